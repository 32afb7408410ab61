"""ERP import benchmark: N parties + N relationships from CSV, re-import, API batch.

`verbund bench import --size 1000000 [--data-dir DIR] [--reset]` against the configured
database (an empty benchmark database: DATABASE_URL=.../bench_erp, or a SQLite file). Prints
each figure with its ratio to a raw bulk load of the same rows measured in the same run.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from django.db import connection, transaction

from verbund.bench.common import bench_dir
from verbund.interfaces import actions
from verbund.parties.models import Party
from verbund.relationships.models import Relationship, RelationshipType

CITIES = [
    ("Köln", "50667"),
    ("München", "80331"),
    ("Berlin", "10115"),
    ("Hamburg", "20095"),
    ("Düsseldorf", "40213"),
    ("Stuttgart", "70173"),
    ("Leipzig", "04109"),
    ("Nürnberg", "90402"),
]
WORDS = [
    "Müller",
    "Schmidt",
    "Bäckerei",
    "Autohaus",
    "Elektro",
    "Technik",
    "Handel",
    "Bau",
    "Logistik",
    "Süd",
    "Nord",
    "Weber",
    "Fischer",
    "Wagner",
    "Becker",
    "Hoffmann",
    "Schäfer",
    "Koch",
]
FORMS = ["GmbH", "AG", "KG", "GmbH & Co. KG", "e.K.", "OHG", "UG (haftungsbeschränkt)"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--size", type=int, default=100_000, help="parties (and relationships) to import"
    )
    parser.add_argument(
        "--data-dir",
        default=None,
        help="where the generated CSV files go (default: $VERBUND_BENCH_DIR/erp, else "
        "bench-data/erp in the current directory)",
    )
    parser.add_argument(
        "--reset",
        action="store_true",
        help="delete all parties and relationships first (benchmark databases only)",
    )
    parser.add_argument("--api-batch", type=int, default=10_000)


def default_data_dir() -> Path:
    return bench_dir() / "erp"


def generate(size: int, folder: Path) -> tuple[Path, Path]:
    """Parties with parents (half) and main addresses (a fifth), plus supplier links: N links in all."""
    folder.mkdir(parents=True, exist_ok=True)
    parties, rels = folder / f"parties_{size}.csv", folder / f"relationships_{size}.csv"
    if parties.exists() and rels.exists():
        return parties, rels
    rnd = random.Random(42)
    n_group = size // 2
    n_main = size // 5
    with open(parties, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(
            [
                "id",
                "name",
                "street",
                "postcode",
                "city",
                "country",
                "vat_id",
                "phone",
                "parent",
                "main_address",
            ]
        )
        heads = max(1, size // 10)
        for i in range(size):
            city, pc = CITIES[i % len(CITIES)]
            name = (
                f"{rnd.choice(WORDS)} {rnd.choice(WORDS)} {rnd.choice(WORDS)} {rnd.choice(FORMS)}"
            )
            parent = main = ""
            if heads <= i < heads + n_group:
                # parents always have a smaller number: a forest, depth a few levels
                parent = f"C{rnd.randrange(0, i) if i < heads * 4 else rnd.randrange(0, heads * 4)}"
            if size - n_main <= i:
                main = f"C{rnd.randrange(0, heads)}"
            vat = f"DE{100000000 + i}" if i % 3 == 0 else ""
            w.writerow(
                [
                    f"C{i}",
                    name,
                    f"Hauptstraße {i % 200 + 1}",
                    pc,
                    city,
                    "DE",
                    vat,
                    f"+49 221 {i:07d}",
                    parent,
                    main,
                ]
            )
    with open(rels, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["type", "from", "to", "valid_from"])
        for _i in range(size - n_group - n_main):
            a = rnd.randrange(0, size)
            b = (a + 1 + rnd.randrange(0, size - 1)) % size
            w.writerow(["supplier", f"C{a}", f"C{b}", "01.01.2024"])
    return parties, rels


def _reset() -> None:
    from verbund.hierarchies.models import ClosureEntry

    with transaction.atomic(), connection.cursor() as cur:
        for model in (ClosureEntry, Relationship):
            cur.execute(f"DELETE FROM {model._meta.db_table}")
        cur.execute(f"DELETE FROM {Party._meta.db_table}")


def raw_load(parties: Path, rels: Path) -> float:
    """The floor: the same rows parsed with csv and written with executemany / COPY, no checks."""
    started = time.perf_counter()
    pt, rt = Party._meta.db_table, Relationship._meta.db_table
    group = RelationshipType.objects.get(key="group").pk
    settle = RelationshipType.objects.get(key="settlement").pk
    supplier = RelationshipType.objects.get(key="supplier").pk
    now = connection.ops.adapt_datetimefield_value(
        __import__("django.utils.timezone", fromlist=["now"]).now()
    )
    pcols = ["id", "kind", "number", "name", "name2", "name3", "legal_form", "salutation", "title", "first_name", "last_name", "position",
             "street", "postcode", "city", "country", "vat_id", "lei", "register_number", "phone", "email", "website", "status", "archived",
             "erp_source", "erp_id", "search_text", "phonetic", "created_at", "updated_at"]  # fmt: skip
    rcols = [
        "type_id",
        "from_party_id",
        "to_party_id",
        "valid_from",
        "source",
        "external_ref",
        "note",
        "created_at",
        "updated_at",
    ]
    base = 10_000_000

    def pid(ext: str) -> int:
        return base + int(ext[1:])

    def party_rows() -> Any:
        with open(parties, encoding="utf-8", newline="") as fh:
            r = csv.reader(fh, delimiter=";")
            next(r)
            for row in r:
                i = pid(row[0])
                yield (
                    i,
                    "organisation",
                    str(i),
                    row[1],
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    row[2],
                    row[3],
                    row[4],
                    row[5],
                    row[6],
                    "",
                    "",
                    row[7],
                    "",
                    "",
                    "customer",
                    False,
                    "rawbench",
                    row[0],
                    "",
                    "",
                    now,
                    now,
                )

    def link_rows() -> Any:
        with open(parties, encoding="utf-8", newline="") as fh:
            r = csv.reader(fh, delimiter=";")
            next(r)
            for row in r:
                if row[8]:
                    yield (group, pid(row[0]), pid(row[8]), None, "erp", "raw", "", now, now)
                if row[9]:
                    yield (
                        settle,
                        pid(row[0]),
                        pid(row[9]),
                        None,
                        "settlement",
                        "raw",
                        "",
                        now,
                        now,
                    )
        with open(rels, encoding="utf-8", newline="") as fh:
            r = csv.reader(fh, delimiter=";")
            next(r)
            for row in r:
                yield (supplier, pid(row[1]), pid(row[2]), "2024-01-01", "erp", "raw", "", now, now)

    with transaction.atomic():
        _write(pt, pcols, party_rows())
        _write(rt, rcols, link_rows())
        if connection.vendor == "postgresql":
            # The foreign keys are checked at commit, which this rolled-back load never reaches;
            # the import pays for them, so the floor does too (SQLite checks them per insert).
            with connection.cursor() as cur:
                cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed


def _write(table: str, cols: list[str], rows: Any) -> None:
    with connection.cursor() as wrapper:
        raw = wrapper.cursor
        if connection.vendor == "postgresql":
            with raw.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            raw.executemany(
                f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                rows,
            )


def _import(kind: str, path: Path) -> tuple[float, dict[str, int]]:
    started = time.perf_counter()
    run = actions.do_create_run(actor=None, kind=kind, source="bench", path=path, channel="bench")
    actions.do_execute_run(run)
    run.refresh_from_db()
    if run.status != "done":
        raise RuntimeError(f"{kind} import failed: {run.report.get('errors', [])[:5]}")
    return time.perf_counter() - started, run.counts


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child_rss_mb() -> float:
    """The largest child's max RSS (the forked row checker of big first loads)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


_SAMPLER = """
import os, select, sys
pid, me, peak = int(sys.argv[1]), os.getpid(), 0


def children(parent):
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == me:
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii") as fh:
                stat = fh.read()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
            found.append(int(entry))
    return found


def pss_anon(proc):
    try:
        with open(f"/proc/{proc}/smaps_rollup", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Pss_Anon:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


while os.path.exists(f"/proc/{pid}"):
    peak = max(peak, pss_anon(pid) + sum(pss_anon(c) for c in children(pid)))
    if select.select([sys.stdin], [], [], 0.2)[0]:
        break
print(peak)
"""


class AnonPeak:
    """Peak anonymous memory of the importer and its forked row checker together (heap, SQLite
    page cache), sampled as the proportional share (``Pss_Anon``), so that the pages the fork
    shares are counted once. The max RSS also counts the pages of the SQLite file mapped into
    memory (mmap_size in settings), which are a cache, and counts shared pages in each process.

    The sampler is a small process of its own, not a thread: the importer forks its row checker
    only from a single-threaded process, and the benchmark must measure that path."""

    def __init__(self) -> None:
        self._proc = subprocess.Popen(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", _SAMPLER, str(os.getpid())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def stop(self) -> float:
        out, _ = self._proc.communicate(input="stop\n", timeout=30)
        return int(out.strip() or 0) / 1024


def run(options: dict[str, Any], stdout: TextIO) -> int:
    size = int(options["size"])
    folder = Path(options["data_dir"]) if options.get("data_dir") else default_data_dir()
    if Party.objects.exists():
        if not options["reset"]:
            stdout.write(
                "The database holds parties; use an empty benchmark database or --reset.\n"
            )
            return 1
        _reset()
    t0 = time.perf_counter()
    parties, rels = generate(size, folder)
    stdout.write(f"data: {parties} and {rels} ({time.perf_counter() - t0:.1f}s to generate)\n")
    raw = raw_load(parties, rels)
    # What the floor's run left in this process (SQLite page cache, free heap) is not the import's.
    connection.close()
    actions.release_free_memory()
    stdout.write(
        f"raw bulk load of the same rows (csv + executemany/COPY, no checks): {raw:.1f}s\n"
    )
    anon = AnonPeak()
    tp, cp = _import("parties", parties)
    stdout.write(f"import parties: {tp:.1f}s {cp}\n")
    tr, cr = _import("relationships", rels)
    stdout.write(f"import relationships: {tr:.1f}s {cr}\n")
    first = tp + tr
    links = cp.get("links_created", 0) + cr.get("links_created", 0)
    rss_first = _rss_mb()
    t2p, c2p = _import("parties", parties)
    t2r, c2r = _import("relationships", rels)
    stdout.write(f"re-import: parties {t2p:.1f}s {c2p}; relationships {t2r:.1f}s {c2r}\n")
    again = t2p + t2r
    written = (
        c2p.get("created", 0)
        + c2p.get("updated", 0)
        + c2p.get("links_created", 0)
        + c2p.get("links_ended", 0)
        + c2r.get("created", 0)
        + c2r.get("updated", 0)
    )
    batch = int(options["api_batch"])
    api_time, api_raw, rounds = _api_batch(batch)
    stdout.write("API batches: " + ", ".join(f"{t:.2f}s" for t in rounds) + "\n")
    vendor = connection.vendor
    stdout.write(f"\n| {vendor} | size | time | ratio to raw | note |\n|---|---|---|---|---|\n")
    stdout.write(
        f"| first import | {size:,} parties + {links:,} relationships | {first:.1f}s (parties {tp:.1f}s, relationships {tr:.1f}s) | {first / raw:.1f}x | {cp.get('created', 0):,} created |\n"
    )
    stdout.write(
        f"| re-import unchanged | same files | {again:.1f}s | {again / raw:.1f}x | {written} rows written, {c2p.get('unchanged', 0) + c2r.get('unchanged', 0):,} unchanged |\n"
    )
    stdout.write(
        f"| API batch | {batch:,} records, median of {API_ROUNDS} | {api_time:.2f}s | {api_time / api_raw:.1f}x to raw upsert of {batch:,} rows ({api_raw:.3f}s) | |\n"
    )
    stdout.write(
        f"| peak memory | | {anon.stop():.0f} MB anonymous, importer and row-check process together (heap + SQLite page cache, shared pages once); {max(rss_first, _rss_mb()):.0f} MB max RSS incl. the mapped database file; row-check process {_child_rss_mb():.0f} MB max RSS (shared pages counted again) | | whole benchmark process |\n"
    )
    return 0


API_ROUNDS = 5


def _api_batch(batch: int) -> tuple[float, float, list[float]]:
    """Median of API_ROUNDS batches through the HTTP API, each half changed existing parties,
    half new ones (5 % of them with a parent), the same amount of work in every round (new
    keys and new names per round); the raw floor is the median of as many raw updates."""
    from django.contrib.auth.models import Group, User
    from rest_framework.test import APIClient

    user, _ = User.objects.get_or_create(username="bench-erp")
    user.groups.add(Group.objects.get(name="steward"))
    client = APIClient()
    client.force_authenticate(user)
    # A server has its modules loaded before the ERP calls: one small dry run first, so that the
    # timed batch does not include importing the API stack (about 2 s on a loaded machine).
    client.post(
        "/api/v1/sync/parties",
        {
            "source": "bench-warmup",
            "records": [{"external_id": "W1", "name": "W"}],
            "dry_run": True,
        },
        format="json",
        HTTP_HOST="localhost",
    )
    times: list[float] = []
    for round_no in range(API_ROUNDS):
        records = []
        for i in range(batch):
            if i % 2:
                records.append(
                    {
                        "external_id": f"C{i}",
                        "name": f"Geändert {round_no}/{i} GmbH",
                        "city": "Bonn",
                        "postcode": "53111",
                    }
                )
            else:
                new = {
                    "external_id": f"N{round_no}-{i}",
                    "name": f"Neu {i} GmbH",
                    "city": "Bonn",
                    "postcode": "53111",
                    "parent": "",
                }
                if i % 20 == 0:
                    new["parent"] = f"C{i + 1}"
                records.append(new)
        started = time.perf_counter()
        resp = client.post(
            "/api/v1/sync/parties",
            {"source": "bench", "records": records},
            format="json",
            HTTP_HOST="localhost",
        )
        times.append(time.perf_counter() - started)
        if resp.status_code != 200:
            raise RuntimeError(f"API batch failed: {resp.status_code} {str(resp.content)[:300]}")
    # Raw floor: the same number of rows updated by id with executemany.
    pt = Party._meta.db_table
    ids = list(Party.objects.filter(erp_source="bench").values_list("id", flat=True)[:batch])
    raws: list[float] = []
    for _round in range(API_ROUNDS):
        t = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cur:
            cur.executemany(f"UPDATE {pt} SET city = %s WHERE id = %s", [("Bonn", i) for i in ids])
            raws.append(time.perf_counter() - t)
            transaction.set_rollback(True)
    return statistics.median(times), statistics.median(raws), times
