"""Benchmark data protection at scale: `verbund bench privacy [--erasures 5] [--due 1000]`.

Runs on the configured database (build it first: `verbund demo --size 1000000`). Erases
``--erasures`` random persons one by one through ``privacy.actions.do_erase_party`` (target
≤ 2 s each) beside the raw SQL that empties the same rows, then ages ``--due`` other persons
by eleven years and runs the retention rules over every party, dry run and ``--apply``
(target ≤ 2 min), beside the raw SQL of the two due-queries. The erased persons stay erased:
use a benchmark database, never a real one.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import time
from typing import Any, TextIO

from django.db import connection, transaction
from django.utils import timezone

from verbund.bench.common import ratio, rows
from verbund.parties.models import Party, PartyKind
from verbund.privacy import actions, selectors
from verbund.privacy.models import PrivacyAction, PrivacyLog

ERASE_TARGET_S = 2.0
RETENTION_TARGET_S = 120.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--erasures", type=int, default=5, help="Persons erased one by one.")
    parser.add_argument(
        "--due", type=int, default=1000, help="Persons aged to be due for retention."
    )
    parser.add_argument("--seed", type=int, default=7, help="Random seed for the persons chosen.")


def _candidates(n: int, rnd: random.Random) -> list[int]:
    erased = set(
        PrivacyLog.objects.filter(action=PrivacyAction.ERASE).values_list("party_id", flat=True)
    )
    top = (
        Party.objects.filter(kind=PartyKind.PERSON)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
        or 0
    )
    low = (
        Party.objects.filter(kind=PartyKind.PERSON)
        .order_by("id")
        .values_list("id", flat=True)
        .first()
        or 0
    )
    found: list[int] = []
    while len(found) < n and top:
        pid = rnd.randint(low, top)
        p = (
            Party.objects.filter(pk__gte=pid, kind=PartyKind.PERSON, merged_into__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
        if p and p not in erased and p not in found and not selectors.hold_message([p]):
            found.append(p)
    return found


def _raw_erase(pid: int) -> None:
    """The same rows emptied in plain SQL, rolled back: the baseline of one erasure."""
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute(
                "SELECT id FROM parties_party WHERE id = %s FOR UPDATE"
                if connection.vendor == "postgresql"
                else "SELECT id FROM parties_party WHERE id = %s",
                [pid],
            )
            cur.execute(
                "UPDATE parties_party SET name = %s, first_name = '', last_name = '', email = '',"
                " phone = '', street = '', city = '', postcode = '', birth_date = NULL,"
                " search_text = '', phonetic = '', archived = %s WHERE id = %s",
                ["x", True, pid],
            )
            cur.execute(
                "UPDATE activities_activity SET subject = 'x', text = '' WHERE party_id = %s", [pid]
            )
            cur.execute("SELECT id, before, after FROM core_auditrecord WHERE party_id = %s", [pid])
            cur.fetchall()
        transaction.set_rollback(True)


def run(options: dict[str, Any], stdout: TextIO) -> int:
    total = Party.objects.count()
    if not total:
        stdout.write("The database has no parties; run `verbund demo --size N` first.\n")
        return 1
    rnd = random.Random(options.get("seed") or 7)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    stdout.write(
        f"database: {connection.vendor}, {total:,} parties; load average {load:.1f} on {os.cpu_count()} cores\n"
    )
    failed = False

    # 1. Erasure of one person, one at a time.
    ids = _candidates(int(options.get("erasures") or 5), rnd)
    app_s, raw_s = [], []
    for pid in ids:
        start = time.perf_counter()
        _raw_erase(pid)
        raw_s.append(time.perf_counter() - start)
        start = time.perf_counter()
        actions.do_erase_party(Party.objects.get(pk=pid), actor=None, reason="benchmark")
        app_s.append(time.perf_counter() - start)
    if app_s:
        med, raw = statistics.median(app_s), statistics.median(raw_s)
        ok = med <= ERASE_TARGET_S
        failed = failed or not ok
        stdout.write(
            f"erase one person: median {med * 1000:.0f} ms (max {max(app_s) * 1000:.0f} ms) over {len(app_s)};"
            f" raw SQL {raw * 1000:.1f} ms; ratio {ratio(med, raw) or 0:.1f}; target ≤ 2 s {'ok' if ok else 'MISS'}\n"
        )

    # 2. Retention over every party: age some persons, then dry run and apply.
    due_n = int(options.get("due") or 1000)
    aged = _candidates(due_n, rnd) if due_n else []
    moment = timezone.now() - dt.timedelta(days=365 * 11 + 3)
    for i in range(0, len(aged), 5000):
        Party.objects.filter(pk__in=aged[i : i + 5000]).update(created_at=moment, updated_at=moment)
    cutoff = timezone.now() - dt.timedelta(days=365 * 10)
    start = time.perf_counter()
    rows(
        "SELECT p.id FROM parties_party p WHERE (p.kind = 'person' OR p.sole_trader) AND p.merged_into_id IS NULL"
        " AND p.created_at < %s AND p.updated_at < %s AND p.id NOT IN (SELECT party_id FROM activities_activity WHERE happened_at >= %s)",
        [cutoff, cutoff, cutoff],
    )
    rows(
        "SELECT p.id FROM parties_party p LEFT JOIN parties_party o ON o.id = p.organisation_id WHERE p.kind = 'person'"
        " AND ((p.archived AND p.updated_at < %s) OR (o.archived AND o.updated_at < %s))",
        [cutoff, cutoff],
    )
    raw_due = time.perf_counter() - start
    start = time.perf_counter()
    dry = actions.do_retention(actor=None)
    dry_s = time.perf_counter() - start
    due = sum(len(d.party_ids) for d in dry.due)
    start = time.perf_counter()
    applied = actions.do_retention(actor=None, apply=True)
    apply_s = time.perf_counter() - start
    ok = dry_s <= RETENTION_TARGET_S and apply_s <= RETENTION_TARGET_S
    failed = failed or not ok
    stdout.write(
        f"retention dry run over {total:,} parties: {dry_s:.1f} s, {due:,} due; raw SQL of the due-queries {raw_due:.1f} s;"
        f" ratio {ratio(dry_s, raw_due) or 0:.1f}\n"
        f"retention --apply: {apply_s:.1f} s, {len(applied.erased):,} erased, {len(applied.held):,} held;"
        f" target ≤ 2 min {'ok' if ok else 'MISS'}\n"
    )
    stdout.write("targets met\n" if not failed else "targets MISSED\n")
    return 0
