"""Benchmark the web UI on the current database: `verbund bench ui`.

Also runs as `python -m verbund.bench.ui`.

Measures server time (Django test client, no network) of the customer file, the hierarchy
view and its lazy first level for the largest corporate group, the live search and the party
list, and compares with raw SQL fetching the same rows in the same run. Fill the database first
with `verbund demo --size 1000000`.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any, TextIO

from django.db import connection

from verbund.bench.common import median_ms, ratio, rows

TARGETS_MS = {"customer file": 150.0, "hierarchy first level (largest group)": 300.0}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--repeat", type=int, default=15, help="Timed runs per measurement (median reported)."
    )
    parser.add_argument(
        "--type", dest="type_key", default="group", help="Hierarchy type of the largest tree."
    )
    parser.add_argument(
        "--clock",
        choices=sorted(CLOCK),
        default="wall",
        help="Wall time, or this process's CPU time.",
    )
    parser.add_argument(
        "--build-group",
        dest="build_group",
        type=int,
        default=0,
        help="First make sure a group of at least this many members exists today, by putting the "
        "largest groups under one new holding (through the actions; for benchmark databases only).",
    )
    parser.add_argument(
        "--as-of",
        dest="as_of",
        default="",
        help="Also measure the largest tree as it stood on this date (YYYY-MM-DD): dated structure, no closure.",
    )


# Wall time by default; "cpu" counts this process's CPU time only (the test client and SQLite
# run in-process), which stays meaningful on a machine shared with other busy processes.
CLOCK: dict[str, Callable[[], float]] = {"wall": time.perf_counter, "cpu": time.process_time}


def _build_group(rtype: Any, size: int, stdout: TextIO) -> None:
    """Put today's largest groups under one holding until it has ``size`` members."""
    from verbund.parties.actions import do_create_party
    from verbund.parties.models import Party
    from verbund.relationships.actions import do_create_relationship

    roots = rows(
        "SELECT c.ancestor_id, COUNT(*) FROM hierarchies_closureentry c WHERE c.type_id = %s"
        " AND NOT EXISTS (SELECT 1 FROM hierarchies_closureentry u WHERE u.type_id = c.type_id AND u.descendant_id = c.ancestor_id AND u.depth > 0)"
        " GROUP BY c.ancestor_id ORDER BY COUNT(*) DESC LIMIT 200",
        [rtype.pk],
    )
    if roots and roots[0][1] >= size:
        return
    holding = Party.objects.filter(name="Benchmark Holding AG").first() or do_create_party(
        actor=None, kind="organisation", name="Benchmark Holding AG", city="Frankfurt am Main"
    )
    total = 1
    for root_id, members in roots:
        if total >= size:
            break
        if root_id == holding.pk:
            continue
        # From today on: the groups may have had other parents in the past.
        do_create_relationship(
            actor=None,
            type=rtype,
            from_party=Party.objects.get(pk=root_id),
            to_party=holding,
            valid_from=dt.date.today(),
        )
        total += int(members)
    stdout.write(f"built a group of {total:,} members under {holding.number}\n")


def run(options: dict[str, Any], stdout: TextIO) -> int:
    from django.contrib.auth.models import Group, User
    from django.test import Client

    from verbund.hierarchies import selectors
    from verbund.parties.models import Party

    clock = CLOCK[options.get("clock") or "wall"]

    def _median_ms(fn: Callable[[], Any], repeat: int) -> float:
        return median_ms(fn, repeat, clock)

    repeat = int(options.get("repeat") or 15)
    type_key = options.get("type_key") or "group"
    total = Party.objects.count()
    if not total:
        stdout.write("The database has no parties; run `verbund demo --size N` first.\n")
        return 1
    rtype = selectors.hierarchy_type(type_key)
    if int(options.get("build_group") or 0):
        _build_group(rtype, int(options["build_group"]), stdout)
    largest = rows(
        "SELECT ancestor_id, COUNT(*) FROM hierarchies_closureentry WHERE type_id = %s GROUP BY ancestor_id ORDER BY COUNT(*) DESC LIMIT 1",
        [rtype.pk],
    )
    if not largest:
        stdout.write(f"No {type_key} hierarchy in the database.\n")
        return 1
    root_id, members = int(largest[0][0]), int(largest[0][1])
    deep = rows(
        "SELECT descendant_id FROM hierarchies_closureentry WHERE type_id = %s AND ancestor_id = %s ORDER BY depth DESC, descendant_id LIMIT 1",
        [rtype.pk, root_id],
    )[0][0]
    first_child = rows(
        "SELECT descendant_id FROM hierarchies_closureentry WHERE type_id = %s AND ancestor_id = %s AND depth = 1 ORDER BY descendant_id LIMIT 1",
        [rtype.pk, root_id],
    )[0][0]
    level1 = rows(
        "SELECT COUNT(*) FROM hierarchies_closureentry WHERE type_id = %s AND ancestor_id = %s AND depth = 1",
        [rtype.pk, root_id],
    )[0][0]
    user = User.objects.filter(username="bench-ui").first()
    if user is None:
        user = User.objects.create_user(username="bench-ui", password=None)
        user.groups.add(Group.objects.get(name="viewer"))
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)

    def get(url: str, **params: Any) -> Callable[[], Any]:
        def call() -> None:
            response = client.get(url, params)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")

        return call

    sample_ids = [root_id, int(first_child), int(deep)]
    sample_ids += [
        pk
        for (pk,) in rows(
            "SELECT id FROM parties_party WHERE id IN (%s, %s, %s)",
            [total // 3, total // 2, (total * 9) // 10],
        )
    ]

    def raw_file(pid: int) -> Callable[[], Any]:
        def call() -> None:
            rows("SELECT * FROM parties_party WHERE id = %s", [pid])
            rows(
                "SELECT r.*, p.name FROM relationships_relationship r JOIN parties_party p ON p.id = CASE WHEN r.from_party_id = %s THEN r.to_party_id ELSE r.from_party_id END WHERE r.from_party_id = %s OR r.to_party_id = %s",
                [pid, pid, pid],
            )
            rows(
                "SELECT * FROM core_auditrecord WHERE party_id = %s ORDER BY at DESC LIMIT 30",
                [pid],
            )

        return call

    def raw_level(pid: int) -> Callable[[], Any]:
        def call() -> None:
            rows(
                "SELECT p.id, p.number, p.name, p.city FROM hierarchies_closureentry c JOIN parties_party p ON p.id = c.descendant_id WHERE c.type_id = %s AND c.ancestor_id = %s AND c.depth = 1",
                [rtype.pk, pid],
            )

        return call

    results: list[tuple[str, float, float | None]] = []
    file_times = [_median_ms(get(f"/parties/{pid}/"), repeat) for pid in sample_ids]
    raw_times = [_median_ms(raw_file(pid), repeat) for pid in sample_ids]
    results.append(("customer file", statistics.median(file_times), statistics.median(raw_times)))
    results.append(("customer file, worst sampled", max(file_times), None))
    results.append(("customer file of the group head", file_times[0], raw_times[0]))
    from verbund.parties.views import section_apps

    for app in section_apps():
        lazy = [
            _median_ms(get(f"/parties/{pid}/sections/{app}/"), max(3, repeat // 3))
            for pid in sample_ids
        ]
        results.append((f"  + {app} sections (lazy), median / head", statistics.median(lazy), None))
        results.append((f"  + {app} sections (lazy), group head", lazy[0], None))
    results.append(
        (
            "hierarchy first level (largest group)",
            _median_ms(get(f"/parties/{root_id}/hierarchy/children/", type=type_key), repeat),
            _median_ms(raw_level(root_id), repeat),
        )
    )
    as_of = options.get("as_of") or ""
    if as_of:
        then = len(selectors.subtree_ids(root_id, type_key, as_of))
        results.append(
            (
                f"hierarchy first level on {as_of} ({then:,} members)",
                _median_ms(
                    get(f"/parties/{root_id}/hierarchy/children/", type=type_key, as_of=as_of),
                    repeat,
                ),
                None,
            )
        )
        results.append(
            (
                f"hierarchy view from the head on {as_of}",
                _median_ms(
                    get(f"/parties/{root_id}/hierarchy/", type=type_key, as_of=as_of), repeat
                ),
                None,
            )
        )
    results.append(
        (
            "hierarchy view from the head",
            _median_ms(get(f"/parties/{root_id}/hierarchy/", type=type_key), repeat),
            None,
        )
    )
    results.append(
        (
            "hierarchy view from the deepest member",
            _median_ms(get(f"/parties/{deep}/hierarchy/", type=type_key), repeat),
            None,
        )
    )
    results.append(
        (
            "live search 'Mueller Handl'",
            _median_ms(get("/search/", q="Mueller Handl"), max(5, repeat // 3)),
            None,
        )
    )
    results.append(("party list, first page by name", _median_ms(get("/parties/"), repeat), None))
    results.append(
        ("party list, city filter", _median_ms(get("/parties/", city="Köln"), repeat), None)
    )

    stdout.write(
        f"database: {connection.vendor}, {total:,} parties; largest {type_key}: {members:,} members, {level1:,} on the first level\n"
    )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    stdout.write(
        f"clock: {options.get('clock') or 'wall'}; load average {load:.1f} on {os.cpu_count()} cores\n"
    )
    stdout.write(
        f"{'measurement':45} {'median ms':>10} {'raw SQL ms':>11} {'ratio':>7} {'target':>8}\n"
    )
    failed = False
    for name, ms, raw in results:
        target = TARGETS_MS.get(name)
        multiple = ratio(ms, raw)
        ratio_s = f"{multiple:7.1f}" if multiple is not None else " " * 7
        raw_s = f"{raw:11.2f}" if raw is not None else " " * 11
        mark = ""
        if target is not None:
            mark = f"≤{target:.0f}" + (" ok" if ms <= target else " MISS")
            failed = failed or ms > target
        stdout.write(f"{name:45} {ms:10.1f} {raw_s} {ratio_s} {mark:>8}\n")
    stdout.write("targets met\n" if not failed else "targets MISSED\n")
    return 0


def main() -> int:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "verbund.settings")
    django.setup()
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    add_arguments(parser)
    return run(vars(parser.parse_args()), sys.stdout)


if __name__ == "__main__":
    raise SystemExit(main())
