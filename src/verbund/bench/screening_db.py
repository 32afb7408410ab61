"""The database half of ``verbund bench screening --bulk``: screen every party in the bench
database (load it first with ``verbund demo --size N``) against OFAC + UN, and time single
parties through the synchronous path."""

import random
import statistics
import time
from pathlib import Path
from typing import Any, TextIO

from django.db import connection

from verbund.compliance import screening
from verbund.compliance.actions import do_import_list, do_screen_parties, do_screen_party
from verbund.compliance.models import Hit, SanctionsList
from verbund.parties.models import Party


def ensure_lists(data: str | Path, stdout: TextIO) -> None:
    base = Path(data)
    if not SanctionsList.objects.filter(key="ofac-sdn", current__isnull=False).exists():
        files = [("sdn.csv", (base / "ofac/2024-05-03/sdn.csv").read_bytes())]
        files += [(n, (base / "ofac/2022-01-21" / n).read_bytes()) for n in ("alt.csv", "add.csv")]
        do_import_list("ofac-csv", files, actor=None, rescreen=False)
        stdout.write("imported OFAC SDN 2024-05-03\n")
    if not SanctionsList.objects.filter(key="un", current__isnull=False).exists():
        do_import_list(
            "un-xml",
            [("consolidated.xml", (base / "un/consolidated.xml").read_bytes())],
            actor=None,
            rescreen=False,
        )
        stdout.write("imported UN 2020-11-24\n")


def bulk_bench(options: dict[str, Any], stdout: TextIO) -> list[tuple[str, str, str]]:
    ensure_lists(options["data"], stdout)
    count = Party.objects.count()
    if not count:
        stdout.write("no parties in this database: load them with `verbund demo --size N` first\n")
        return []
    # Raw-SQL floor: reading the screened columns of every party.
    t = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(f"SELECT {', '.join(screening.PARTY_COLUMNS)} FROM parties_party")
        rows = cur.fetchall()
    raw_read = time.perf_counter() - t
    del rows
    t = time.perf_counter()
    screening.forget_index()
    screening.get_index()
    index_secs = time.perf_counter() - t
    workers = options.get("workers") or screening.workers()
    Hit.objects.all().delete()
    t = time.perf_counter()
    run = do_screen_parties(actor=None, workers=workers)
    bulk_secs = time.perf_counter() - t
    hit_parties = Hit.objects.values("party_id").distinct().count()
    stdout.write(
        f"bulk: {run.total} parties in {bulk_secs:.1f} s with {workers} worker(s) ({run.total / bulk_secs:.0f}/s), raw read {raw_read:.2f} s, index {index_secs:.1f} s\n"
    )
    stdout.write(
        f"demo parties with a hit: {hit_parties} of {run.total} ({hit_parties / run.total:.3%})\n"
    )
    for name, score in (
        Hit.objects.select_related("party")
        .order_by("-score")
        .values_list("party__name", "entry_name")[:10]
    ):
        stdout.write(f"  hit: {name!r} ~ {score!r}\n")
    rng = random.Random(options["seed"])
    ids = list(Party.objects.values_list("id", flat=True)[:200_000])
    sample = [Party.objects.get(pk=pid) for pid in rng.sample(ids, min(200, len(ids)))]
    times = []
    for party in sample:
        t = time.perf_counter()
        do_screen_party(party, actor=None)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    median = statistics.median(times)
    p95 = times[int(len(times) * 0.95) - 1]
    per_million = bulk_secs / run.total * 1_000_000
    measured = "measured" if run.total >= 1_000_000 else f"extrapolated from {run.total:,}"
    return [
        (
            f"demo parties with a hit (false-positive rate, {run.total:,} demo names)",
            f"{hit_parties / run.total:.3%}",
            "<= 0.5%",
        ),
        (
            f"bulk screening, {run.total:,} parties, {workers} workers, {connection.vendor}",
            f"{bulk_secs:.1f} s ({run.total / bulk_secs:.0f}/s)",
            "",
        ),
        (
            f"1,000,000 parties against OFAC + UN ({measured})",
            f"{per_million:.0f} s",
            "<= 90 s (issue #19)",
        ),
        (
            "raw SQL read of the same parties (floor)",
            f"{raw_read:.2f} s (ratio {bulk_secs / max(raw_read, 1e-9):.0f}x)",
            "",
        ),
        (
            "one party, synchronous screen incl. writes (median / p95)",
            f"{median:.1f} / {p95:.1f} ms",
            "<= 100 ms",
        ),
        ("index build over OFAC + UN", f"{index_secs:.1f} s", ""),
    ]
