"""The production bulk path: parties from the database -> ``bulk.detect`` -> candidates.

`verbund dedupe`, the background job and the benchmark all go through ``bulk.detect`` with
features from ``matching.features``.
"""

import logging
import time
from collections.abc import Iterator
from typing import Any

from verbund.parties.models import Party
from verbund.quality import actions
from verbund.quality.bulk import BulkResult, detect, features_table
from verbund.quality.groups import all_group_roots
from verbund.quality.matching import DEFAULT_THRESHOLD, explain_levels
from verbund.quality.models import DedupeRun, RunStatus

log = logging.getLogger(__name__)

PARALLEL_FROM = 50_000
FIELDS = [
    "id", "kind", "name", "legal_form", "first_name", "last_name", "organisation_id", "birth_date", "street",
    "postcode", "city", "country", "phone", "email", "vat_id", "lei", "erp_source", "erp_id",
]  # fmt: skip


def party_rows(kind: str) -> Iterator[dict[str, Any]]:
    """The live parties of ``kind`` with their group root (for hierarchy-aware matching)."""
    roots = all_group_roots()
    qs = Party.objects.filter(kind=kind, merged_into__isnull=True).values(*FIELDS)
    for row in qs.iterator(chunk_size=5000):
        row["group_root"] = roots.get(row["id"])
        yield row


def detect_parties(
    kind: str = "organisation", threshold: float = DEFAULT_THRESHOLD, workers: int = 2
) -> BulkResult:
    """Pairs and clusters among the live parties of ``kind``; each pair carries its evidence."""
    # Read every row before forking feature workers: no cursor may be open across a fork.
    rows = list(party_rows(kind))
    parallel = workers if len(rows) >= PARALLEL_FROM else 1
    result = detect(features_table(rows, workers=parallel), kind=kind, threshold=threshold)
    del rows
    cluster_of = {pid: i + 1 for i, members in enumerate(result.clusters) for pid in members}
    for pair in result.pairs:
        pair["evidence"] = [e.as_dict() for e in explain_levels(kind, pair["levels"])]
        pair["cluster"] = cluster_of.get(pair["a"])
    return result


def execute_run(run_id: int) -> dict[str, Any]:
    run = DedupeRun.objects.get(pk=run_id)
    actions.do_start_run(run)
    start = time.perf_counter()
    try:
        result = detect_parties(run.kind, run.threshold)
        stats: dict[str, Any] = dict(
            actions.do_record_candidates(result.pairs, actor=run.created_by, run=run)
        )
    except Exception as exc:  # the run records the failure for the UI, then re-raises
        actions.do_finish_run(run, status=RunStatus.FAILED, error=str(exc)[:2000])
        raise
    stats.update(
        records=result.records,
        candidate_pairs=result.candidate_pairs,
        pairs=len(result.pairs),
        clusters=len(result.clusters),
        seconds=round(time.perf_counter() - start, 2),
    )
    actions.do_finish_run(run, status=RunStatus.DONE, stats=stats)
    return stats
