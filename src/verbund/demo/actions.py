"""Writes of the demo domain: the demo users and the demo data load. Atomic, audited."""

from __future__ import annotations

import importlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _

from verbund.core import audit
from verbund.core.formatting import format_number
from verbund.demo.fork import party_rows_in_child
from verbund.demo.generator import DemoData
from verbund.parties.models import Party
from verbund.relationships.bulk import Load, do_bulk_load

DEMO_PASSWORD = "verbund-demo"  # noqa: S105 - documented demo login, never for production
DEMO_LOGIN = "demo"
# (username, role, Django admin access). "demo" may do everything; the others show one role each.
DEMO_USERS: list[tuple[str, str, bool]] = [
    ("demo", "admin", True),
    ("viewer", "viewer", False),
    ("editor", "editor", False),
    ("steward", "steward", False),
    ("compliance", "compliance", False),
    ("privacy", "privacy", False),
    ("admin", "admin", True),
]


@transaction.atomic
def do_ensure_demo_users(*, actor: Any = None) -> list[str]:
    """Create the demo users that do not exist yet (password ``verbund-demo``); return the new names.

    Existing users are left alone, so a changed password stays changed.
    """
    User = get_user_model()
    existing = set(
        User.objects.filter(username__in=[u for u, _, _ in DEMO_USERS]).values_list(
            "username", flat=True
        )
    )
    created: list[str] = []
    password: str | None = None
    for username, role, staff in DEMO_USERS:
        if username in existing:
            continue
        password = password or make_password(DEMO_PASSWORD)  # hashed once: it is slow on purpose
        user = User.objects.create(
            username=username,
            password=password,
            is_staff=staff,
            is_superuser=username == DEMO_LOGIN,
        )
        group, _ = Group.objects.get_or_create(name=role)
        user.groups.add(group)
        created.append(username)
    if created:
        audit.record(
            actor=actor,
            action="demo.users",
            object_type="auth.user",
            after={"created": created},
            note=", ".join(created),
        )
    return created


@dataclass
class DemoResult:
    """What a demo load wrote, and how long each step took (seconds)."""

    party_ids: range = range(0)
    relationship_ids: range = range(0)
    stats: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    closure_rebuilt: bool = False


def do_load_demo(
    *, size: int, seed: int = 1, actor: Any = None, progress: Callable[[str], None] | None = None
) -> DemoResult:
    """Generate ``size`` demo parties with their structures and write them in one transaction.

    One audit record covers the whole load. The hierarchy closure is rebuilt in the same
    transaction (when the hierarchy engine offers ``rebuild_closure``).
    """
    User = get_user_model()
    responsible = list(
        User.objects.filter(username__in=["demo", "editor", "steward"])
        .order_by("username")
        .values_list("id", flat=True)
    )
    data = DemoData(size, seed, responsible_ids=responsible)
    result = DemoResult()
    say = progress or (lambda _message: None)

    def fill(load: Load) -> DemoResult:
        t = time.perf_counter()
        first_number = load.reserve_numbers(size)
        base = load.next_party_id()
        # Loads that are large, also against what is there, build the indexes once afterwards
        # instead of row by row.
        big = size >= 50_000 and size >= Party.objects.count()
        # From 100,000 parties a second process generates while this one writes.
        rows = (
            party_rows_in_child if size >= 100_000 and hasattr(os, "fork") else DemoData.party_rows
        )
        result.party_ids = load.insert_parties(
            rows(data, base, first_number, load.now_db), derive=False, rebuild_indexes=big
        )
        assert result.party_ids.start == base
        result.timings["parties"] = time.perf_counter() - t
        say(
            _("parties: %(n)s in %(sec).1f s")
            % {"n": format_number(len(result.party_ids)), "sec": result.timings["parties"]}
        )
        t = time.perf_counter()
        type_ids = {
            key: load.type_id(key)
            for key in (
                "group",
                "sister",
                "chain",
                "settlement",
                "supplier",
                "consultant",
                "contact",
            )
        }
        result.relationship_ids = load.insert_relationships(
            data.relationship_rows(base, type_ids, load.now_db), rebuild_indexes=big
        )
        tag_ids = load.tag_ids(sorted({t for _, t in data.tag_pairs}))
        load.insert_party_tags((base + idx, tag_ids[t]) for idx, t in data.tag_pairs)
        result.timings["relationships"] = time.perf_counter() - t
        say(
            _("relationships: %(n)s in %(sec).1f s")
            % {
                "n": format_number(len(result.relationship_ids)),
                "sec": result.timings["relationships"],
            }
        )
        t = time.perf_counter()
        result.closure_rebuilt = rebuild_closure()
        result.timings["closure"] = time.perf_counter() - t
        if result.closure_rebuilt:
            say(_("closure: %(sec).1f s") % {"sec": result.timings["closure"]})
        return result

    do_bulk_load(
        fill,
        actor=actor,
        action="demo.load",
        note=f"verbund demo --size {size} --seed {seed}",
        details={"size": size, "seed": seed},
    )
    result.stats = dict(data.stats)
    return result


def rebuild_closure() -> bool:
    """Rebuild the hierarchy closure after a bulk load, when the hierarchy actions offer it."""
    from verbund.hierarchies import actions

    rebuild = getattr(actions, "rebuild_closure", None)
    if rebuild is None:
        return False
    rebuild()
    return True


def generate_revenue(party_ids: range | None, months: int, seed: int, stdout: Any) -> bool:
    """Demo revenue through ``verbund.revenue.demo.generate_revenue`` when that module exists."""
    if months <= 0:
        return False
    try:
        module = importlib.import_module("verbund.revenue.demo")
    except ModuleNotFoundError as exc:
        if exc.name != "verbund.revenue.demo":
            raise
        return False
    generate = getattr(module, "generate_revenue", None)
    if generate is None:
        return False
    generate(list(party_ids) if party_ids is not None else None, months, seed, stdout)
    return True
