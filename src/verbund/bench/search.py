"""Benchmark the party search as the user types: `verbund bench search`.

Measures, on the current database, the live search under the start page's search box
(``/search/?q=...`` through the Django test client, no network) and ``ranked_search`` alone,
for a few queries (a common name with a shortened word, a typo in every word, a person),
and in the same run the raw-SQL floor: reading the candidate rows of the query's Kölner
Phonetik ranges from the index, as many as the search reads (``phonetic_ranges``). Fill the database first
with ``verbund demo --size 1000000`` (in a database of its own, ``VERBUND_BENCH_DIR``).
"""

import argparse
import os
import statistics
import time
from collections.abc import Callable
from typing import Any, TextIO

from django.db import connection

from verbund.bench.common import median_ms, ratio, rows

TARGET_MS = 100.0
QUERIES = ["Mueller Handl", "Tanus Sofware Koeln", "Schmitt Logistik Hamburg", "Petra Schmid"]
CLOCK: dict[str, Callable[[], float]] = {"wall": time.perf_counter, "cpu": time.process_time}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--repeat", type=int, default=15, help="Timed runs per measurement.")
    parser.add_argument(
        "--query", dest="queries", action="append", help="A query (repeat; default: a set)."
    )
    parser.add_argument(
        "--clock",
        choices=sorted(CLOCK),
        default="wall",
        help="Wall time, or this process's CPU time (steadier on a busy machine).",
    )


def run(options: dict[str, Any], stdout: TextIO) -> int:
    from django.contrib.auth.models import Group, User
    from django.test import Client

    from verbund.parties.models import Party
    from verbund.parties.selectors import CANDIDATES_PER_QUERY, phonetic_ranges, ranked_search

    clock = CLOCK[options.get("clock") or "wall"]
    repeat = int(options.get("repeat") or 15)
    queries = options.get("queries") or QUERIES
    total = Party.objects.count()
    if not total:
        stdout.write("The database has no parties; run `verbund demo --size N` first.\n")
        return 1
    user = User.objects.filter(username="bench-search").first()
    if user is None:
        user = User.objects.create_user(username="bench-search", password=None)
        user.groups.add(Group.objects.get(name="viewer"))
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)

    def live(query: str) -> Callable[[], Any]:
        def call() -> None:
            response = client.get("/search/", {"q": query})
            if response.status_code != 200:
                raise RuntimeError(f"/search/ answered {response.status_code}")

        return call

    def raw(query: str) -> Callable[[], Any]:
        # The same index ranges the search reads, each to the same limit, and nothing else.
        prefixes, singles = phonetic_ranges(query)

        def call() -> None:
            for prefix in prefixes + singles:
                rows(
                    "SELECT id, kind, name, title, first_name, last_name, search_text,"
                    " merged_into_id FROM parties_party WHERE phonetic >= %s AND phonetic < %s"
                    " LIMIT %s",
                    [prefix, prefix + "~", CANDIDATES_PER_QUERY],
                )

        return call

    stdout.write(f"database: {connection.vendor}, {total:,} parties\n")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    stdout.write(
        f"clock: {options.get('clock') or 'wall'}; load average {load:.1f} on {os.cpu_count()} cores\n"
    )
    stdout.write(
        f"{'query':28} {'live ms':>8} {'ranking ms':>10} {'raw SQL ms':>10} {'ratio':>6} "
        f"{'target':>8}  first hit\n"
    )
    failed = False
    lives = []
    for query in queries:
        live_ms = median_ms(live(query), repeat, clock)
        rank_ms = median_ms(lambda q=query: ranked_search(q).page(0, 20), repeat, clock)  # type: ignore[misc]
        raw_ms = median_ms(raw(query), repeat, clock)
        multiple = ratio(live_ms, raw_ms)
        first = ranked_search(query).page(0, 1)
        hit = f"{first[0].display_name}, {first[0].city}" if first else "—"
        ok = live_ms <= TARGET_MS
        failed = failed or not ok
        lives.append(live_ms)
        stdout.write(
            f"{query:28} {live_ms:8.1f} {rank_ms:10.1f} {raw_ms:10.2f} "
            f"{(multiple or 0):6.1f} {'≤100 ' + ('ok' if ok else 'MISS'):>8}  {hit}\n"
        )
    stdout.write(f"median of the live searches: {statistics.median(lives):.1f} ms\n")
    stdout.write("targets met\n" if not failed else "targets MISSED\n")
    return 0
