"""Every write of the interfaces domain: import runs (files, API batches) and exports.

``do_start_import`` records a run (who, source, file hash, options) and hands it to the
background worker; ``do_execute_run`` does the work in ONE transaction with ONE audit record
for the whole run (action ``import.<kind>``), keeps a per-party summary in the run's report,
and rolls everything back when the run is a dry run or an all-or-nothing run with errors.
The run itself is always saved, outside that transaction, so failed runs stay visible.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from verbund.core import audit, jobs
from verbund.core.bulk import (
    ANALYZE_MIN_ROWS,
    BrokenReference,
    foreign_keys_validated_after,
    refresh_statistics,
    release_free_memory,
)
from verbund.core.collector import gc_paused
from verbund.hierarchies import engine as hierarchy_engine
from verbund.hierarchies.batch import ParentMap
from verbund.interfaces import engine
from verbund.interfaces.engine import Abort, Context, Issue, Outcome
from verbund.interfaces.engine.relationships import party_lookup
from verbund.interfaces.engine.results import TOUCH_LIMIT
from verbund.interfaces.gleif import COLUMNS as GLEIF_COLUMNS
from verbund.interfaces.gleif import GleifRows, gleif_rows
from verbund.interfaces.mapping import Mapping, load_mapping
from verbund.interfaces.models import ImportKind, ImportRun, ImportStatus
from verbund.interfaces.parsers import (
    FORMATS,
    ImportFileError,
    Reader,
    grouped,
    guess_format,
    records_reader,
)
from verbund.interfaces.records import by_field
from verbund.interfaces.sap import sap_party_rows
from verbund.parties.bulk import PARTY_TABLE
from verbund.parties.signals import bulk_loaded
from verbund.relationships.bulk import RELATIONSHIP_TABLE
from verbund.relationships.models import RelationshipType

Progress = Callable[[float, str], None]
MAX_API_RECORDS = 10_000
# Up to this many touched hierarchy children the closure is patched child by child.
CLOSURE_PATCH_LIMIT = TOUCH_LIMIT
# First loads from files this big into a party table this small rebuild its indexes afterwards.
REBUILD_MIN_BYTES = 20 * 1024 * 1024
REBUILD_MAX_ROWS = 100_000
# Files from this size check their rows in a second process (``interfaces.pipeline``).
PARALLEL_MIN_BYTES = 4 * 1024 * 1024


def upload_dir() -> Path:
    path = Path(settings.VERBUND_IMPORT_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def file_sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def progress_path(run: ImportRun) -> Path:
    return upload_dir() / f"run-{run.pk}.progress.json"


def write_progress(run: ImportRun, fraction: float, message: str) -> None:
    """Progress goes to a small file, not the database: the run's transaction is still open."""
    target = progress_path(run)
    tmp = target.with_suffix(".tmp")
    tmp.write_text(
        json.dumps({"fraction": round(fraction, 4), "message": message}), encoding="utf-8"
    )
    os.replace(tmp, target)


# A running run shows at most this much: 100 % is for a finished run, whose status says so.
RUNNING_CAP = 0.99


def read_progress(run: ImportRun) -> dict[str, Any]:
    """How far the run is, consistent with its status: a finished run is at 100 % (the status
    says how it ended), a queued one at 0 %, a running one below 100 % with what it is doing
    (its last step, "finished", is shown as finishing until the status follows)."""
    if run.status in (ImportStatus.DONE, ImportStatus.FAILED):
        return {"fraction": 1.0, "message": ""}
    if run.status == ImportStatus.QUEUED:
        return {"fraction": 0.0, "message": _("Waiting to start")}
    try:
        found = dict(json.loads(progress_path(run).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {"fraction": 0.0, "message": _("Starting")}
    fraction = min(float(found.get("fraction", 0.0)), RUNNING_CAP)
    message = str(found.get("message", ""))
    if float(found.get("fraction", 0.0)) >= 1.0:
        message = _("Finishing: saving the report")
    return {"fraction": fraction, "message": message}


# --- starting runs --------------------------------------------------------------------------


@transaction.atomic
def do_create_run(
    *,
    actor: Any,
    kind: str,
    source: str,
    path: str | Path | None = None,
    file_name: str = "",
    mapping: str = "generic",
    fmt: str = "",
    dry_run: bool = False,
    full: bool = False,
    skip_invalid: bool = False,
    channel: str = "file",
    actor_name: str = "",
    confirms: ImportRun | None = None,
) -> ImportRun:
    """Record a run before anything is read; the file's hash and size are taken now.

    ``actor_name``: who started it when that is not (only) a user, as the command line knows
    it (the OS user or ``--actor``); the user's login otherwise. ``confirms``: the dry run
    this run writes for real."""
    if kind not in ImportKind.values:
        raise ImportFileError(_("Unknown import kind %(kind)s.") % {"kind": kind})
    if not source or len(source) > 32:
        raise ImportFileError(_("A source name of 1 to 32 characters is required."))
    run = ImportRun(
        kind=kind,
        source=source,
        mapping=mapping or "generic",
        dry_run=dry_run,
        full=full,
        skip_invalid=skip_invalid,
        channel=channel,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        confirms=confirms,
    )
    run.actor_name = (actor_name or (run.actor.get_username() if run.actor else ""))[:150]
    if path is not None:
        run.file_path = str(path)
        run.file_name = file_name or Path(path).name
        run.format = fmt or guess_format(run.file_name)
        if run.format not in FORMATS:
            raise ImportFileError(
                _("Unknown format %(format)s; use one of %(formats)s.")
                % {"format": run.format, "formats": ", ".join(FORMATS)}
            )
        if os.path.isdir(path):
            raise ImportFileError(_("%(file)s: is a folder, not a file.") % {"file": run.file_name})
        if not os.path.exists(path):
            raise ImportFileError(_("%(file)s: no such file.") % {"file": str(path)})
        try:
            run.file_size = os.path.getsize(path)
            run.file_hash = file_sha256(path)
        except OSError as exc:
            raise ImportFileError(
                _("%(file)s: cannot be read (%(reason)s).")
                % {"file": str(path), "reason": exc.strerror or type(exc).__name__}
            ) from None
    else:
        # No file: a batch (the API's), which says what it is in ``fmt``.
        run.format = fmt
    run.save()
    audit.record(
        actor=actor,
        action="import.queued",
        obj=run,
        after={
            "kind": kind,
            "source": source,
            "file": run.file_name,
            "hash": run.file_hash,
            **({"confirms": confirms.pk} if confirms is not None else {}),
        },
        note=run.actor_name,
    )
    return run


def do_start_import(run: ImportRun) -> ImportRun:
    """Queue the run for the background worker (django-tasks)."""
    from verbund.interfaces.tasks import run_import

    transaction.on_commit(lambda: run_import.enqueue(run.pk))
    return run


def confirmation(dry: ImportRun) -> ImportRun | None:
    """The run that writes ``dry`` for real and has not failed (queued, running or done)."""
    return dry.confirmations.exclude(status=ImportStatus.FAILED).order_by("-id").first()


def confirm_refusal(dry: ImportRun) -> str | None:
    """Why a run cannot be confirmed, or None: only a finished dry run without errors whose
    file is still there can be run for real, once (again only after that run failed)."""
    if not dry.dry_run or dry.status != ImportStatus.DONE:
        return _("Only a finished dry run can be confirmed.")
    confirmed = confirmation(dry)
    if confirmed is not None:
        return _("This dry run has been confirmed already: import run #%(run)s.") % {
            "run": confirmed.pk
        }
    if (dry.counts or {}).get("errors"):
        return _("A dry run with errors cannot be confirmed; correct the file and try again.")
    if not dry.file_path or not Path(dry.file_path).exists():
        return _("The uploaded file is no longer there; upload it again.")
    return None


@transaction.atomic
def do_confirm_dry_run(dry: ImportRun, *, actor: Any, channel: str = "ui") -> ImportRun:
    """Write what a successful dry run showed: the same file (a copy) and options, for real,
    queued for the worker. Refused (ValidationError) by ``confirm_refusal``'s rules."""
    dry = ImportRun.objects.select_for_update().get(pk=dry.pk)
    refusal = confirm_refusal(dry)
    if refusal:
        raise ValidationError(refusal)
    copy = upload_dir() / f"{uuid.uuid4().hex}{Path(dry.file_path).suffix}"
    shutil.copyfile(dry.file_path, copy)
    run = do_create_run(
        actor=actor, kind=dry.kind, source=dry.source, path=copy, file_name=dry.file_name,
        mapping=dry.mapping, fmt=dry.format, dry_run=False, full=dry.full,
        skip_invalid=dry.skip_invalid, channel=channel, confirms=dry,
    )  # fmt: skip
    return do_start_import(run)


# --- executing runs -------------------------------------------------------------------------


def _finish(
    run: ImportRun, outcome: Outcome | None, started: float, *, failed: bool, file_error: str = ""
) -> None:
    run.finished_at = timezone.now()
    run.duration = round(time.monotonic() - started, 3)
    if outcome is not None:
        run.counts = dict(outcome.counts)
        run.report = outcome.report()
    if file_error:
        run.counts = {
            **(run.counts or {}),
            "errors": max(1, int((run.counts or {}).get("errors", 0))),
        }
        run.report = {
            **(run.report or {}),
            "errors": [{"row": 0, "key": "", "field": "", "value": "", "reason": file_error}],
            "errors_total": 1,
        }
    run.status = ImportStatus.FAILED if failed else ImportStatus.DONE
    run.save(update_fields=["finished_at", "duration", "counts", "report", "status"])


def do_execute_run(
    run: ImportRun,
    *,
    progress: Progress | None = None,
    records: list[dict[str, Any]] | None = None,
    create_missing: bool = False,
    level1: str = "",
) -> Outcome | None:
    """Run the import. Returns the outcome (None when the file could not be read).

    ``create_missing`` (GLEIF): create a party for an unknown LEI, named by the LEI, or from
    the GLEIF Level-1 file ``level1`` when one is given."""
    started = time.monotonic()
    run.status = ImportStatus.RUNNING
    run.started_at = timezone.now()
    # This process claims the run: if it dies, the next sweep fails the run (core.jobs).
    run.save(update_fields=["status", "started_at", *jobs.claim(run)])

    def report(fraction: float, message: str) -> None:
        if records is None:
            write_progress(run, fraction, message)
        if progress:
            progress(fraction, message)

    ctx = Context(
        source=run.source,
        skip_invalid=run.skip_invalid,
        full=run.full,
        progress=report,
        track_outcomes=records is not None,
        create_missing=create_missing,
        level1=level1,
        run_id=run.pk,
        actor=run.actor,
        actor_name="" if run.actor else run.actor_name,
    )
    outcome: Outcome | None = None
    failed = False
    try:
        mapping = load_mapping(run.mapping)
        ctx.numbers, ctx.dates = mapping.numbers, mapping.dates
        with transaction.atomic(), _gc_paused():
            try:
                outcome = _dispatch(run, mapping, ctx, records)
                _after_links(outcome)
                if not run.dry_run:
                    _refresh_statistics(run.kind, outcome)
                    _announce(run, outcome)
                audit.record(
                    actor=run.actor,
                    action=f"import.{run.kind}",
                    obj=run,
                    after={k: v for k, v in outcome.counts.items() if v},
                    note=" ".join(
                        p
                        for p in (run.source, run.file_name, run.file_hash[:12], run.actor_name)
                        if p
                    ),
                )
                if run.dry_run:
                    transaction.set_rollback(True)
            except Abort as abort:
                outcome = abort.outcome
                failed = not run.skip_invalid or outcome.counts.get("rows", 0) == 0
                transaction.set_rollback(True)
        if outcome is not None and outcome.counts["errors"] and not run.skip_invalid:
            failed = True
        report(1.0, _("Finished"))
    except ImportFileError as exc:
        _finish(run, outcome, started, failed=True, file_error=str(exc))
        return None
    _finish(run, outcome, started, failed=failed)
    return outcome


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """``gc_paused`` while a run builds its millions of small objects (a tenth of a 1M-row
    run), and the memory given back afterwards."""
    try:
        with gc_paused():
            yield
    finally:
        release_free_memory()


def _refresh_statistics(kind: str, outcome: Outcome) -> None:
    """A big load changes the tables under the planner's feet (``core.bulk.refresh_statistics``);
    counted here over created, updated and archived rows, which the bulk writer alone does not
    see (updates go by id)."""
    counts = outcome.counts
    tables = []
    parties = counts.get("created", 0) + counts.get("updated", 0) + counts.get("archived", 0)
    if kind == ImportKind.PARTIES and parties >= ANALYZE_MIN_ROWS:
        tables.append(PARTY_TABLE)
    if counts.get("links_created", 0) + counts.get("links_ended", 0) >= ANALYZE_MIN_ROWS:
        tables.append(RELATIONSHIP_TABLE)
    if tables:
        refresh_statistics(tables)


def _announce(run: ImportRun, outcome: Outcome) -> None:
    """Tell the apps that keep derived data (sanctions screening, ownership flags) what the run
    wrote, as bulk loads do: created and changed parties as id ranges, and whether links changed."""
    ranges = [r for r in outcome.party_ids if len(r)] + list(_ranges(sorted(outcome.updated_ids)))
    counts = outcome.counts
    links_changed = bool(counts.get("links_created") or counts.get("links_ended"))
    if ranges or links_changed:
        bulk_loaded.send(
            sender=ImportRun,
            party_ids=ranges,
            relationship_ids=[],
            action=f"import.{run.kind}",
            links_changed=links_changed,
        )


def _ranges(ids: list[int]) -> Iterator[range]:
    """Sorted ids as runs of consecutive ids."""
    if not ids:
        return
    start = prev = ids[0]
    for i in ids[1:]:
        if i != prev + 1:
            yield range(start, prev + 1)
            start = i
        prev = i
    yield range(start, prev + 1)


def _after_links(outcome: Outcome) -> None:
    """Keep the hierarchy closure exact after bulk-written links, in the same transaction."""
    if outcome.touched_many:
        # The engine's per-row state is gone by now: give its pages back before the rebuild
        # builds its temporary tables.
        release_free_memory()
        hierarchy_engine.rebuild_closure(sorted(outcome.hierarchy_types))
        return
    if not outcome.touched:
        return
    if len(outcome.touched) > CLOSURE_PATCH_LIMIT:
        hierarchy_engine.rebuild_closure(sorted(outcome.hierarchy_types))
        return
    by_type: dict[int, list[int]] = {}
    for type_id, child in outcome.touched:
        by_type.setdefault(type_id, []).append(child)
    for type_id, children in sorted(by_type.items()):
        # Detach all, then attach all: a batch may swap parent and child.
        hierarchy_engine.relink(type_id, children)


def _dispatch(
    run: ImportRun, mapping: Mapping, ctx: Context, records: list[dict[str, Any]] | None
) -> Outcome:
    header: list[str]
    reader: Reader | None = None
    rows: Iterator[tuple[int, dict[str, str]]]
    if records is not None:
        if len(records) > MAX_API_RECORDS:
            raise ImportFileError(
                _("At most %(n)s records per batch.") % {"n": grouped(MAX_API_RECORDS)}
            )
        header = list(dict.fromkeys(k for r in records if isinstance(r, dict) for k in r))
        rows = records_reader(records, ctx.not_text)
        name = _("API batch")
    else:
        reader = Reader(run.file_path, run.format, mapping.read, name=run.file_name)
        rows = reader.rows()
        name = run.file_name
        first = next(rows, None)
        header = reader.columns
        if first is None:
            raise ImportFileError(
                _("%(file)s: the file has a header but no data rows.") % {"file": name}
            )
        rows = _prepend(first, rows)
    hint = reader.progress if reader else None

    if run.kind == ImportKind.PARTIES:
        columns = mapping.resolve("parties", header, name, partial=records is not None)
        initial: list[Issue] = []
        if mapping.partner_functions is not None:
            ctx.report_progress(0.01, _("Reading partner functions"))
            by_customer, columns, initial = sap_party_rows(
                rows, header, columns, mapping.partner_functions, name
            )
            rows = iter(by_customer)
        keys_hint = None
        if records is not None:
            wanted = {
                c for c, f in columns.items() if f in ("external_id", "parent", "main_address")
            }
            keys_hint = {
                str(r.get(c, "")).strip()
                for r in records
                if isinstance(r, dict)
                for c in wanted
                if r.get(c) not in (None, "")
            }
        first_load = _first_big_load(run, reader)
        # A first load into empty tables also checks the keys between them once, afterwards.
        keys_after = [PARTY_TABLE, RELATIONSHIP_TABLE] if first_load else []
        try:
            with foreign_keys_validated_after(keys_after):
                return engine.import_parties(
                    rows, columns, ctx, total_hint=hint, initial_errors=initial,
                    keys_hint=keys_hint, rebuild_indexes=first_load,
                    parallel=reader is not None and reader.size >= PARALLEL_MIN_BYTES,
                )  # fmt: skip
        except BrokenReference as exc:
            raise ImportFileError(
                _("The loaded rows break a reference between records: %(detail)s") % {"detail": exc}
            ) from exc
    if run.kind == ImportKind.RELATIONSHIPS:
        if run.format == "gleif-rr":
            state = GleifRows()
            out = engine.import_relationships(
                gleif_rows(rows, header, name, state),
                GLEIF_COLUMNS,
                ctx,
                resolve_by="lei",
                total_hint=hint,
            )
            _check_ultimate(state, out)
            return out
        columns = mapping.resolve("relationships", header, name, partial=records is not None)
        # (GLEIF files stay in one process: their row reader keeps state the run reads after.)
        return engine.import_relationships(
            rows, columns, ctx, type_aliases=mapping.type_values, total_hint=hint,
            parallel=reader is not None and reader.size >= PARALLEL_MIN_BYTES,
        )  # fmt: skip
    if run.kind == ImportKind.REVENUE:
        from verbund.interfaces.revenue import import_revenue

        columns = mapping.resolve("revenue", header, name, partial=records is not None)
        return import_revenue(rows, columns, ctx, actor=run.actor)
    raise ImportFileError(_("Unknown import kind %(kind)s.") % {"kind": run.kind})


def _first_big_load(run: ImportRun, reader: Reader | None) -> bool:
    """A first load of a big file into a (nearly) empty party table rebuilds the indexes after
    the insert instead of maintaining them row by row: several times faster, but it keeps
    PostgreSQL readers of the table waiting until commit, so only then."""
    from verbund.parties.models import Party

    if reader is None or reader.size < REBUILD_MIN_BYTES or run.dry_run:
        return False
    if Party.objects.filter(erp_source=run.source).exists():
        return False
    if connection.vendor == "postgresql":
        # DROP INDEX locks PostgreSQL readers out of the table until commit: only into an
        # empty party table (a new installation's first load). SQLite readers keep their
        # snapshot of the table and its indexes (WAL) while the load runs.
        return not Party.objects.exists()
    return (
        len(Party.objects.values_list("pk", flat=True)[REBUILD_MAX_ROWS : REBUILD_MAX_ROWS + 1])
        == 0
    )


def _prepend(
    first: tuple[int, dict[str, str]], rest: Iterator[tuple[int, dict[str, str]]]
) -> Iterator[tuple[int, dict[str, str]]]:
    yield first
    yield from rest


def _check_ultimate(state: GleifRows, out: Outcome) -> None:
    """Compare GLEIF's ultimate parents with the roots the group tree gives."""
    for kind, count in sorted(state.skipped.items()):
        out.counts[f"skipped_{kind.lower()}"] = count
        out.counts["skipped"] += count
    if not state.ultimate:
        return
    leis = {c for _r, c, _u in state.ultimate} | {u for _r, _c, u in state.ultimate}
    ids = party_lookup(leis, "gleif", "lei", whole=False)
    group = RelationshipType.objects.get(key="group")
    pm = ParentMap(group.pk, dt.date.today(), whole=False)
    checked = 0
    for row, child, ultimate in state.ultimate:
        cid, uid = ids.get(child), ids.get(ultimate)
        if cid is None:
            continue
        node, hops = cid, 0
        while hops < 100:
            pm.load([node])
            up = pm.get(node)
            if up is None:
                break
            node, hops = up, hops + 1
        checked += 1
        if node != uid:
            out.warn(
                row,
                _(
                    "GLEIF names %(u)s as the ultimate parent of %(c)s; the group tree ends at party #%(root)s."
                )
                % {"u": ultimate, "c": child, "root": node},
                child=child,
                ultimate=ultimate,
            )
    out.counts["ultimate_checked"] = checked


# --- API batches ----------------------------------------------------------------------------


def do_sync(
    *,
    actor: Any,
    kind: str,
    source: str,
    records: list[dict[str, Any]],
    dry_run: bool = False,
    atomic: bool = True,
    full: bool = False,
) -> tuple[ImportRun, Outcome | None]:
    """An ERP batch: same engine, per-record outcome. All or nothing unless ``atomic`` is
    false: then the invalid records are skipped and the valid ones written. Each record's keys
    are named by field first (``records.by_field``)."""
    records = [by_field(kind, record) for record in records]
    run = do_create_run(
        actor=actor,
        kind=kind,
        source=source,
        mapping="generic",
        fmt="api",
        dry_run=dry_run,
        full=full,
        skip_invalid=not atomic,
        channel="api",
    )
    # The batch stands in for a file: its hash and size are those of its JSON (the size was
    # the number of records once, which the run page showed as bytes).
    body = json.dumps(records, sort_keys=True, default=str).encode()
    run.file_hash = hashlib.sha256(body).hexdigest()
    run.file_size = len(body)
    run.save(update_fields=["file_hash", "file_size"])
    outcome = do_execute_run(run, records=records)
    return run, outcome


@transaction.atomic
def do_record_export(
    *, actor: Any, kind: str, source: str, fmt: str, rows: int, target: str = ""
) -> None:
    """Exports change nothing but are audited: who took which data out, and how much."""
    audit.record(
        actor=actor,
        action=f"export.{kind}",
        object_type="interfaces.export",
        object_id=source,
        after={"format": fmt, "rows": rows, "target": target},
    )
