"""Entry-time check speed on a large party table (part of `verbund bench dedupe --entry N`).

Run it against a database of its own, never the working one (here with an absolute
``VERBUND_BENCH_DIR``)::

    export DATABASE_URL=sqlite:///$VERBUND_BENCH_DIR/dup/entry.sqlite3
    verbund migrate && verbund bench dedupe --size 0 --skip-real --entry 1000000

The first run loads N synthetic originals through ``relationships.bulk.do_bulk_load`` (one
transaction, one audit record); later runs reuse them. Queries are the injected duplicates
(typos, umlauts, legal forms, swapped words, moved address, phone formats) and fresh names;
it prints median and p95 latency of ``find_similar`` and how often the original was found.
"""

import random
import statistics
import time
from typing import Any, TextIO

from django.db import connection

from verbund.bench.dedupe import synthetic_records
from verbund.core.models import AuditRecord
from verbund.parties.models import Party
from verbund.quality.entry import find_similar

LOAD_ACTION = "quality.bench_entry_load"


def _stream(n: int) -> tuple[list[dict[str, Any]], list[tuple[dict[str, Any], int]]]:
    """Originals (first record of each entity) and the injected duplicates of the same stream."""
    originals: list[dict[str, Any]] = []
    duplicates: list[tuple[dict[str, Any], int]] = []
    seen: set[int] = set()
    for rec, entity in synthetic_records(n, 0.1):
        data = {k: v for k, v in rec.items() if k != "id"}
        if entity in seen:
            duplicates.append((data, entity))
        else:
            seen.add(entity)
            originals.append({**data, "erp_source": "BENCH", "erp_id": str(entity)})
    return originals, duplicates


def _load(originals: list[dict[str, Any]], n: int, stdout: TextIO) -> dict[int, int]:
    """Load the originals (once); return the truth: synthetic entity -> party id."""
    from verbund.relationships.bulk import Load as BulkLoad
    from verbund.relationships.bulk import do_bulk_load

    if not AuditRecord.objects.filter(action=LOAD_ACTION, note=str(n)).exists():
        if Party.objects.exists():
            raise RuntimeError(
                "The entry benchmark needs an empty database of its own (see the module docstring)."
            )

        def fill(load: BulkLoad) -> range:
            return load.insert_parties(originals, rebuild_indexes=True)

        start = time.perf_counter()
        ids = do_bulk_load(fill, action=LOAD_ACTION, note=str(n))
        stdout.write(f"loaded {len(ids):,} parties in {time.perf_counter() - start:.1f} s\n")
    rows = Party.objects.filter(erp_source="BENCH").values_list("erp_id", "id")
    return {int(e or 0): pid for e, pid in rows.iterator(chunk_size=50_000)}


def run_entry_bench(n: int, queries: int, stdout: TextIO) -> bool:
    originals, duplicates = _stream(n)
    truth = _load(originals, n, stdout)
    del originals
    rng = random.Random(11)
    sample = rng.sample(duplicates, min(queries, len(duplicates)))
    fresh = [
        {k: v for k, v in rec.items() if k != "id"}
        for rec, _e in synthetic_records(queries, 0.0, seed=99)
    ]
    times: list[float] = []
    found = 0
    for data, entity in sample:
        t = time.perf_counter()
        result = find_similar(data, limit=10)
        times.append(time.perf_counter() - t)
        found += any(s.party["id"] == truth[entity] for s in result)
    for data in fresh:
        t = time.perf_counter()
        find_similar(data, limit=10)
        times.append(time.perf_counter() - t)
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    med = statistics.median(times)
    stdout.write(
        f"| entry check find_similar ({connection.vendor}, {len(truth):,} parties) | {len(times)} queries | "
        f"median {med * 1000:.1f} ms | p95 {p95 * 1000:.1f} ms | original found for {found}/{len(sample)} duplicates | floor p95 ≤ 50 ms |\n"
    )
    return p95 <= 0.050
