"""Read-side questions other pages ask: is this party blocked, and why."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from verbund.compliance.models import (
    Hit,
    HitStatus,
    ListEntry,
    ListKind,
    ListVersion,
    OwnershipFlag,
)
from verbund.core.formatting import format_percent


def blocked_reasons(party_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """party id -> {"hits": [...confirmed/pending entries], "ownership": [...flags]} for affected parties."""
    ids = list(party_ids)
    out: dict[int, dict[str, Any]] = {}
    for i in range(0, len(ids), 900):
        part = ids[i : i + 900]
        for pid, status, name, list_key in Hit.objects.filter(
            party_id__in=part,
            status__in=[HitStatus.CONFIRMED, HitStatus.PENDING],
            list__kind=ListKind.SANCTIONS,
        ).values_list("party_id", "status", "entry_name", "list__key"):
            out.setdefault(pid, {"hits": [], "ownership": []})["hits"].append(
                {"status": status, "entry": name, "list": list_key}
            )
        for pid, regime, share in OwnershipFlag.objects.filter(party_id__in=part).values_list(
            "party_id", "regime", "share"
        ):
            out.setdefault(pid, {"hits": [], "ownership": []})["ownership"].append(
                {"regime": regime, "share": str(share)}
            )
    return out


def blocking_rows() -> tuple[QuerySet[Hit], QuerySet[OwnershipFlag]]:
    """What blocks a party, as rows with a ``party_id``: a confirmed hit on a sanctions list (a
    confirmed PEP hit says who a party is; it blocks nothing), or an ownership flag (owned by
    blocked parties above a regime's limit). The one rule of ``is_blocked``,
    ``without_blocked``, ``blocked_party_ids`` and the ownership screening's start."""
    return (
        Hit.objects.filter(status=HitStatus.CONFIRMED, list__kind=ListKind.SANCTIONS).order_by(),
        OwnershipFlag.objects.order_by(),
    )


def is_blocked(party_id: int) -> bool:
    """Whether ``blocking_rows`` block the party."""
    return any(rows.filter(party_id=party_id).exists() for rows in blocking_rows())


def without_blocked(parties: QuerySet[Any]) -> QuerySet[Any]:
    """``parties`` without those ``blocking_rows`` block, in SQL: one ``NOT EXISTS`` per reason
    (an anti-join each on PostgreSQL), for lists that stream (the advertising export)."""
    for rows in blocking_rows():
        parties = parties.exclude(Exists(rows.filter(party_id=OuterRef("pk"))))
    return parties


def blocked_party_ids(*, hits_only: bool = False) -> set[int]:
    """The ids of every blocked party (a few hundred at most: one query); ``hits_only``: those a
    confirmed sanctions hit blocks, where the ownership screening starts."""
    hits, flags = (rows.values_list("party_id", flat=True) for rows in blocking_rows())
    return set(hits.distinct()) if hits_only else set(hits.union(flags))


def block_warning(party_id: int) -> str:
    """The warning edit forms and exports show for a blocked party ("" when not blocked)."""
    reasons = blocked_reasons([party_id]).get(party_id)
    if not reasons:
        return ""
    parts = [
        f"{h['list']}: {h['entry']}" for h in reasons["hits"] if h["status"] == HitStatus.CONFIRMED
    ]
    parts += [
        _("owned %(share)s by blocked parties (%(regime)s)")
        % {"share": format_percent(f["share"], at_most=2), "regime": f["regime"]}
        for f in reasons["ownership"]
    ]
    if not parts:
        return _("Sanctions hit awaiting second confirmation.")
    return _("Sanctions block: %(reasons)s") % {"reasons": "; ".join(parts)}


# The entry fields a "changed" row names when they differ between two versions.
_COMPARED = (
    "schema",
    "name",
    "names",
    "countries",
    "birth_dates",
    "identifiers",
    "programs",
    "remarks",
)


def _field_labels() -> dict[str, str]:
    return {
        "schema": _("type"), "name": _("name"), "names": _("names"), "countries": _("countries"),
        "birth_dates": _("dates of birth"), "identifiers": _("identifiers"),
        "programs": _("programmes"), "remarks": _("remarks"),
    }  # fmt: skip


def version_changes(version: ListVersion, limit: int = 200) -> dict[str, dict[str, Any]]:
    """What ``version`` changed against the version before it: per kind (added, changed,
    removed) the total and up to ``limit`` rows ``{"id", "name", "fields"}``; ``fields`` names
    what differs in a changed entry. Removed entries are named from the version before."""
    before = (
        ListVersion.objects.filter(list_id=version.list_id, number__lt=version.number)
        .order_by("-number")
        .first()
    )

    def entries(v: ListVersion | None, ids: list[str]) -> dict[str, dict[str, Any]]:
        if v is None or not ids:
            return {}
        return {
            row["external_id"]: row
            for row in ListEntry.objects.filter(version=v, external_id__in=ids).values(
                "external_id", *_COMPARED
            )
        }

    out: dict[str, dict[str, Any]] = {}
    for kind in ("added", "changed", "removed"):
        ids = list(version.diff.get(kind, []))
        shown = ids[:limit]
        new = entries(before if kind == "removed" else version, shown)
        old = entries(before, shown) if kind == "changed" else {}
        rows = []
        for ext in shown:
            row = new.get(ext, {})
            fields = (
                [f for f in _COMPARED if old.get(ext, {}).get(f) != row.get(f)]
                if kind == "changed"
                else []
            )
            labels = _field_labels()
            rows.append(
                {"id": ext, "name": row.get("name", ""), "fields": [labels[f] for f in fields]}
            )
        out[kind] = {"total": len(ids), "rows": rows}
    return out


def new_hits(days: int = 7, limit: int = 10) -> tuple[list[Hit], int]:
    """Open hits found in the last ``days`` days, newest first (at most ``limit``), and their
    number: what the compliance users' start page shows."""
    since = timezone.now() - dt.timedelta(days=days)
    qs = Hit.objects.filter(status=HitStatus.OPEN, created_at__gte=since)
    return list(
        qs.select_related("party", "list").order_by("-created_at", "-id")[:limit]
    ), qs.count()
