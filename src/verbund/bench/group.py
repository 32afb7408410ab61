"""Benchmark the whole group on a member's file (#17): `verbund bench group --size 1000000`.

Reuses the hierarchy benchmark's data (groups of 10 to 100,000 members, ``bench.hierarchy``)
in its own database and adds, set-based: contacts (persons filed under members of the
100,000-member group), activities over the last year, a year of changes in that group (moves
to the top, members that leave, new members that join, dated links) and shares on the links of
a 10,000-member group. Then prints medians and the ratio to raw SQL answering the same in the
same run:

- group contacts, first page (50), and group activities, first page (50), of the 100,000 group;
- the change log of the 100,000 group over a year;
- the effective ownership of every member of a 10,000 group by its top parent.
"""

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TextIO

from django.db import connection, transaction
from django.utils import timezone

from verbund.activities import group as agroup
from verbund.activities.models import Activity
from verbund.bench import hierarchy
from verbund.bench.common import bench_dir, median_ms, ratio
from verbund.bench.common import rows as raw_rows
from verbund.core import audit
from verbund.hierarchies import changes, engine, ownership, selectors
from verbund.hierarchies import group as hgroup
from verbund.hierarchies.engine import CT, PT, RT
from verbund.parties.models import Party
from verbund.relationships.models import Relationship, RelationshipSource, RelationshipType

CONTACTS = 50_000
ACTIVITIES = 200_000
MOVES, LEAVES, JOINS = 2_000, 1_000, 1_000
MARK = "bench.group_load"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--size", type=int, default=1_000_000, help="Parties (hierarchy data).")
    parser.add_argument("--db-url", dest="db_url", help="Database to build or reuse.")
    parser.add_argument("--repeat", type=int, default=15, help="Runs per query for the medians.")


def _extend(meta: dict[str, Any], out: TextIO, seed: int = 17) -> dict[str, Any]:
    """Contacts, activities, a year of changes and shares, written set-based in one transaction."""
    rnd = random.Random(seed)
    now = timezone.now()
    today = dt.date.today()
    type_id = RelationshipType.objects.get(key="group").pk
    big = meta["groups"]["100000"][0]["root"]
    mid = meta["groups"]["10000"][0]["root"]
    members = [
        int(r[0])
        for r in raw_rows(
            f"SELECT descendant_id FROM {CT} WHERE type_id = %s AND ancestor_id = %s",
            [type_id, big],
        )
    ]
    others = [m for m in members if m != big]
    start = int(raw_rows(f"SELECT MAX(id) FROM {PT}", [])[0][0]) + 1
    t0 = time.perf_counter()
    with transaction.atomic():
        persons = [
            {
                "id": start + i,
                "kind": "person",
                "number": f"GC{start + i:09d}",
                "name": f"Person {i}",
                "first_name": "Vorname",
                "last_name": f"Person {i}",
                "position": "Einkauf",
                "phone": "0221 1",
                "email": f"p{i}@example.com",
                "organisation_id": rnd.choice(members),
                "country": "DE",
                "status": "customer",
            }
            for i in range(CONTACTS)
        ]
        hierarchy._insert(Party, persons, now)
        year_ago = now - dt.timedelta(days=365)
        acts = [
            {
                "party_id": rnd.choice(members),
                "kind": rnd.choice(["call", "visit", "note", "mail"]),
                "happened_at": year_ago + dt.timedelta(seconds=rnd.randrange(365 * 86400)),
                "subject": f"Kontakt {i}",
                "text": "",
            }
            for i in range(ACTIVITIES)
        ]
        hierarchy._insert(Activity, acts, now)
        # A year of changes in the big group: moves to the top, leaves, joins (new parties).
        picked = rnd.sample(others, MOVES + LEAVES)
        links: list[dict[str, Any]] = []
        with connection.cursor() as cur:
            for i, m in enumerate(picked):
                day = today - dt.timedelta(days=rnd.randrange(1, 360))
                cur.execute(
                    f"UPDATE {RT} SET valid_to = %s WHERE type_id = %s AND from_party_id = %s",
                    [day - dt.timedelta(days=1), type_id, m],
                )
                if i < MOVES:
                    links.append(
                        {
                            "type_id": type_id,
                            "from_party_id": m,
                            "to_party_id": big,
                            "valid_from": day,
                            "source": RelationshipSource.DEMO,
                        }
                    )
        joiners = start + CONTACTS
        new_parties = [
            {
                "id": joiners + i,
                "kind": "organisation",
                "number": f"GJ{joiners + i:09d}",
                "name": f"Neu {i} GmbH",
                "city": "Köln",
                "country": "DE",
                "status": "customer",
            }
            for i in range(JOINS)
        ]
        hierarchy._insert(Party, new_parties, now)
        links += [
            {
                "type_id": type_id,
                "from_party_id": joiners + i,
                "to_party_id": rnd.choice(members),
                "valid_from": today - dt.timedelta(days=rnd.randrange(1, 360)),
                "source": RelationshipSource.DEMO,
            }
            for i in range(JOINS)
        ]
        hierarchy._insert(Relationship, links, now)
        # Shares on the 10,000 group's links.
        mids = [
            int(r[0])
            for r in raw_rows(
                f"SELECT descendant_id FROM {CT} WHERE type_id = %s AND ancestor_id = %s",
                [type_id, mid],
            )
        ]
        with connection.cursor() as cur:
            cur.executemany(
                f"UPDATE {RT} SET share = %s WHERE type_id = %s AND from_party_id = %s",
                [(Decimal(rnd.randrange(5100, 10001)) / 100, type_id, m) for m in mids if m != mid],
            )
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                for table in (PT, RT, Activity._meta.db_table):
                    cur.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
                    )
        counts = engine.rebuild_closure(["group"])
        audit.record(
            actor=None,
            action=MARK,
            object_type="hierarchies.closureentry",
            after={"contacts": CONTACTS, "activities": ACTIVITIES, "closure": counts},
        )
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    out.write(
        f"added {CONTACTS:,} contacts, {ACTIVITIES:,} activities, {MOVES:,} moves, {LEAVES:,} leaves,"
        f" {JOINS:,} joins and shares on {len(mids) - 1:,} links in {time.perf_counter() - t0:.1f} s\n"
    )
    return {"big": big, "mid": mid, "member": rnd.choice(others)}


def _raw(sql: str, params: list[Any]) -> Callable[[], Any]:
    return lambda: raw_rows(sql, params)


def measure(spots: dict[str, Any], repeat: int, out: TextIO) -> list[dict[str, Any]]:
    type_id = selectors.hierarchy_type_id("group")
    engine.ensure_fresh(type_id)
    big, mid, member = spots["big"], spots["mid"], spots["member"]
    today = engine.today()
    year_ago = today - dt.timedelta(days=365)
    at = Activity._meta.db_table
    vf = "COALESCE(r.valid_from, %s) <= %s AND COALESCE(r.valid_to, %s) >= %s"
    cases: list[tuple[str, Callable[[], Any], Callable[[], Any]]] = [
        (
            "group contacts, first page (100k group)",
            lambda: hgroup.contacts(member, "group", size=50),
            _raw(
                f"SELECT x.depth, x.descendant_id, c.name, c.id, c.position, c.phone, c.email"
                f" FROM {CT} x JOIN {PT} c ON c.organisation_id = x.descendant_id"
                " WHERE x.type_id = %s AND x.ancestor_id = %s AND c.kind = 'person'"
                " AND c.merged_into_id IS NULL"
                " ORDER BY x.depth, x.descendant_id, c.name, c.id LIMIT 51",
                [type_id, big],
            ),
        ),
        (
            "group activities, first page (100k group)",
            lambda: agroup.timeline(member, "group", size=50),
            _raw(
                f"SELECT a.id, a.kind, a.happened_at, a.subject, a.party_id, p.name FROM {at} a"
                f" JOIN {CT} c ON c.descendant_id = a.party_id JOIN {PT} p ON p.id = a.party_id"
                " WHERE c.type_id = %s AND c.ancestor_id = %s"
                " ORDER BY a.happened_at DESC, a.id DESC LIMIT 51",
                [type_id, big],
            ),
        ),
        (
            "change log over a year (100k group)",
            lambda: changes.changes(member, "group", year_ago, today),
            _raw(
                f"SELECT r.id, r.from_party_id, r.to_party_id, r.valid_from, r.valid_to, r.share"
                f" FROM {RT} r WHERE r.type_id = %s AND r.from_party_id IN (SELECT descendant_id"
                f" FROM {changes.DT} WHERE type_id = %s AND ancestor_id = %s AND valid_from <= %s"
                " AND valid_to >= %s) AND ((r.valid_from > %s AND r.valid_from <= %s)"
                " OR (r.valid_to >= %s AND r.valid_to < %s))",
                [type_id, type_id, big, today, year_ago, year_ago, today, year_ago, today],
            ),
        ),
        (
            "effective ownership of a 10k group by its top",
            lambda: ownership.ownership(mid, "group"),
            _raw(
                f"""WITH RECURSIVE down(id, eff, depth) AS (
                        SELECT p.id, 1.0, 0 FROM {PT} p WHERE p.id = %s
                        UNION ALL
                        SELECT r.from_party_id, down.eff * r.share / 100, down.depth + 1
                        FROM down JOIN {RT} r ON r.to_party_id = down.id
                        WHERE r.type_id = %s AND r.share IS NOT NULL AND down.depth < 64
                          AND {vf})
                    SELECT id, SUM(eff) FROM down GROUP BY id""",
                [mid, type_id, hierarchy_min(), today, hierarchy_max(), today],
            ),
        ),
    ]
    results = []
    out.write(f"{'what':<48} {'app ms':>9} {'raw ms':>9} {'ratio':>6}  rows\n")
    for name, app, raw in cases:
        app_ms = median_ms(app, repeat)
        raw_ms = median_ms(raw, repeat)
        found = app()
        n = (
            len(found.rows)
            if hasattr(found, "rows")
            else len(found["changes"])
            if isinstance(found, dict) and "changes" in found
            else len(found["holdings"])
            if isinstance(found, dict)
            else 0
        )
        r = ratio(app_ms, raw_ms)
        out.write(f"{name:<48} {app_ms:>9.1f} {raw_ms:>9.1f} {r or 0:>6.2f}  {n:,}\n")
        results.append({"what": name, "app_ms": app_ms, "raw_ms": raw_ms, "ratio": r, "rows": n})
    return results


def hierarchy_min() -> Any:
    from verbund.relationships.models import MIN_DATE

    return MIN_DATE if connection.vendor == "postgresql" else MIN_DATE.isoformat()


def hierarchy_max() -> Any:
    from verbund.relationships.models import MAX_DATE

    return MAX_DATE if connection.vendor == "postgresql" else MAX_DATE.isoformat()


def run(options: dict[str, Any], stdout: TextIO) -> int:
    size = int(options["size"])
    url = options.get("db_url")
    if url is None and connection.vendor == "sqlite" and not os.environ.get("VERBUND_BENCH_CHILD"):
        bench_dir().mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{(bench_dir() / f'group-{size}.sqlite3').resolve()}"
    if url and not os.environ.get("VERBUND_BENCH_CHILD"):
        args = [sys.executable, "-m", "verbund", "bench", "group", "--size", str(size),
                "--repeat", str(options["repeat"])]  # fmt: skip
        env = {**os.environ, "DATABASE_URL": url, "VERBUND_BENCH_CHILD": "1"}
        return subprocess.call(args, env=env)  # noqa: S603 - our own interpreter and arguments
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    bench_dir().mkdir(parents=True, exist_ok=True)
    name = connection.settings_dict["NAME"].replace("/", "_")[-60:]
    meta_file = bench_dir() / f"group-{connection.vendor}-{name}-{size}.json"
    if meta_file.exists():
        spots = json.loads(meta_file.read_text())
        stdout.write(f"reusing the group benchmark data in {connection.vendor}\n")
    else:
        if Party.objects.filter(number__startswith=hierarchy.NUMBER_PREFIX).exists():
            stdout.write("this database holds bench parties without their plan; use a fresh one\n")
            return 1
        meta = hierarchy.build(size, stdout)
        spots = _extend(meta, stdout)
        meta_file.write_text(json.dumps(spots))
    stdout.write(f"\ngroup benchmark: {size:,} parties on {connection.vendor}\n")
    results = measure(spots, int(options["repeat"]), stdout)
    (bench_dir() / f"group-results-{connection.vendor}-{size}.json").write_text(
        json.dumps(results, indent=1)
    )
    return 0
