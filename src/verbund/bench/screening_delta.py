"""Delta screening after a list update against a full run: ``verbund bench screening-delta``.

In one run, on the parties of the bench database (load them first with ``verbund demo --size
N``) and the real OFAC SDN list (``--data``, else ``$VERBUND_DATA_DIR/sanctions``):

1. version 1 of the list is recorded: the real sdn.csv less ``--change`` / 2 of its entries;
2. full run: every party against every entry (index build included);
3. ``--changed-parties`` of the parties are changed (as a bulk path would, without their own
   screening);
4. version 2 is recorded through ``do_update_lists`` (``--change`` of the entries differ:
   half added, half changed), then the delta screening runs: the parties whose stored name
   tokens touch an added or changed entry against those entries, the changed parties against
   every entry.

Before 2., the stored party tokens are brought up to date (timed apart: after ``verbund demo``
they are derived once; afterwards the write paths keep them current).

Prints both times, their ratio (target: the delta at most 10 % of the full run at 1M
parties), and the raw-SQL read of the parties' screened columns as the floor.
"""

import argparse
import csv
import io
import random
import time
from pathlib import Path
from typing import Any, TextIO

from django.db import connection
from django.utils import timezone

from verbund.bench.common import data_path, missing_data
from verbund.compliance import screening
from verbund.compliance.actions import do_screen_parties
from verbund.compliance.list_updates import do_delta_screen, do_sync_party_tokens, do_update_lists
from verbund.compliance.models import (
    Hit,
    ListEntry,
    ListUpdate,
    RunFinding,
    SanctionsList,
    ScreeningRun,
)
from verbund.parties.models import Party

SDN = ("ofac", "2024-05-03", "sdn.csv")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", help="folder with ofac/ (default: $VERBUND_DATA_DIR/sanctions)")
    parser.add_argument(
        "--change", type=float, default=0.01, help="share of list entries the update changes"
    )
    parser.add_argument(
        "--changed-parties",
        type=float,
        default=0.001,
        help="share of parties changed between the two list versions",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="processes for screening (0: the product's default, VERBUND_SCREENING_WORKERS)",
    )
    parser.add_argument("--seed", type=int, default=7)


def versions(sdn: bytes, change: float, seed: int) -> tuple[bytes, bytes, int, int]:
    """(version 1, version 2, added, changed): version 2 is the real file; version 1 lacks
    the entries version 2 adds and has other remarks for those it changes."""
    rows = list(csv.reader(io.StringIO(sdn.rstrip(b"\x1a\r\n").decode("cp1252"))))
    rng = random.Random(seed)
    picked = rng.sample(range(len(rows)), int(len(rows) * change))
    added = set(picked[: len(picked) // 2])
    changed = set(picked[len(picked) // 2 :])

    def write(items: list[list[str]]) -> bytes:
        out = io.StringIO()
        csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(items)
        return out.getvalue().encode("cp1252", "replace")

    v1 = [
        r if i not in changed else [*r[:11], (r[11] + " Former remark.").strip()]
        for i, r in enumerate(rows)
        if i not in added
    ]
    return write(v1), write(rows), len(added), len(changed)


def _forget_caches() -> None:
    """Empty the per-process caches of name normalisation and the index."""
    from verbund.compliance import matching_rules, matching_text
    from verbund.core import text

    for fn in (
        matching_text.is_noise, matching_text.is_mistyped_form, matching_text.canon_token,
        matching_text.name_tokens, matching_rules.is_distinguishing, text.fold, text.name_key,
        text.koelner_phonetik,
    ):  # fmt: skip
        fn.cache_clear()
    screening.forget_index()


def _reset() -> None:
    RunFinding.objects.all().delete()
    Hit.objects.all().delete()
    ListUpdate.objects.all().delete()
    ScreeningRun.objects.all().delete()
    # The entries by plain SQL: with no hit left, the ORM would still set the hits' references
    # to every entry of every recorded version in one statement, past SQLite's parameter limit
    # after a few dozen versions (Django ticket #36248).
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {connection.ops.quote_name(ListEntry._meta.db_table)}")
    SanctionsList.objects.all().delete()
    screening.forget_index()


def run(options: dict[str, Any], stdout: TextIO) -> int:
    data = data_path(options.get("data"), "sanctions")
    sdn_path = Path(data, *SDN) if data else None
    if sdn_path is None or not sdn_path.is_file():
        stdout.write(missing_data("OFAC sdn.csv", sdn_path, "--data DIR", "sanctions/ofac/"))
        return 0
    count = Party.objects.filter(merged_into__isnull=True, archived=False).count()
    if not count:
        stdout.write("no parties in this database: load them with `verbund demo --size N` first\n")
        return 0
    workers = options["workers"] or screening.workers()
    v1, v2, n_added, n_changed = versions(sdn_path.read_bytes(), options["change"], options["seed"])
    _reset()
    t = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT {', '.join(screening.PARTY_COLUMNS)} FROM parties_party "
            "WHERE merged_into_id IS NULL AND NOT archived"
        )
        raw_rows = len(cur.fetchall())
    raw_read = time.perf_counter() - t

    # The stored name tokens (the delta's inverted index) are kept current by the write paths;
    # a database loaded before they existed, or by a bulk load whose job has not run, gets them
    # here once (timed apart: a cost of the load, not of each list update).
    t = time.perf_counter()
    derived = do_sync_party_tokens(workers)
    tokens_secs = time.perf_counter() - t

    first = do_update_lists(
        [("ofac-csv", [("sdn.csv", v1)])], actor=None, source="bench v1", screen=False
    )
    # The pass that screened everything is the next delta's baseline for changed parties.
    t = time.perf_counter()
    screening.forget_index()
    full = do_screen_parties(actor=None, workers=workers)
    full_secs = time.perf_counter() - t
    ListUpdate.objects.filter(pk=first.pk).update(screened=True, started_at=timezone.now())

    rng = random.Random(options["seed"])
    ids = list(Party.objects.order_by("id").values_list("id", flat=True))
    touched = rng.sample(ids, int(len(ids) * options["changed_parties"]))
    for i in range(0, len(touched), 900):
        Party.objects.filter(id__in=touched[i : i + 900]).update(updated_at=timezone.now())

    # `verbund lists update` runs in a process of its own (cron): what the full run left in
    # this one (the index, names normalised and cached) is not there.
    _forget_caches()
    t = time.perf_counter()
    update = do_update_lists(
        [("ofac-csv", [("sdn.csv", v2)])], actor=None, source="bench v2", screen=False
    )
    import_secs = time.perf_counter() - t
    t = time.perf_counter()
    update = do_delta_screen(update, actor=None, workers=workers)
    delta_secs = time.perf_counter() - t
    version = update.versions and SanctionsList.objects.get(key="ofac-sdn").current
    assert version is not None
    entry_run, party_run = update.entry_run, update.party_run
    stdout.write(
        f"parties: {count:,} ({connection.vendor}), list: OFAC SDN 2024-05-03, {version.entry_count:,} entries; "
        f"update: +{version.added} added, ~{version.changed} changed, -{version.removed} removed "
        f"(asked {n_added} + {n_changed}); changed parties: {update.parties_changed:,}; workers {workers}\n"
    )
    stdout.write(
        f"token store brought up to date before the runs: {derived:,} parties in {tokens_secs:.1f} s\n"
        f"full run: {full.total:,} parties in {full_secs:.1f} s, {full.hit_count} hits\n"
        f"list update (parse, diff, store): {import_secs:.1f} s\n"
        f"delta screening: {delta_secs:.1f} s (entries pass: {entry_run.total if entry_run else 0:,} parties, "
        f"{entry_run.new_hit_count if entry_run else 0} new hits; changed parties pass: "
        f"{party_run.total if party_run else 0:,} parties, {party_run.new_hit_count if party_run else 0} new hits)\n"
    )
    ratio = delta_secs / full_secs if full_secs else 0.0
    total_ratio = (delta_secs + import_secs) / full_secs if full_secs else 0.0
    measured = "measured" if count >= 1_000_000 else f"at {count:,} parties, not 1M"
    stdout.write("\n| measure | value | target |\n|---|---|---|\n")
    stdout.write(f"| full run, {count:,} parties | {full_secs:.1f} s | |\n")
    stdout.write(
        f"| delta screening after a {options['change']:.0%} list change | {delta_secs:.1f} s | |\n"
    )
    stdout.write(f"| delta / full ({measured}) | {ratio:.1%} | <= 10% |\n")
    stdout.write(f"| (update incl. parse and diff + delta) / full | {total_ratio:.1%} | |\n")
    stdout.write(
        f"| raw SQL read of {raw_rows:,} parties' screened columns (floor) | {raw_read:.2f} s "
        f"(delta {delta_secs / max(raw_read, 1e-9):.0f}x) | |\n"
    )
    return 0
