"""Every write of the compliance domain: list imports, screening results, reviews, ownership flags.

Each function is atomic and audited. Bulk screening writes hits in batches inside one
transaction with one audit record for the whole run.
"""

import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from verbund.compliance import ownership, rules, screening, selectors
from verbund.compliance.matching import Index, Match
from verbund.compliance.models import (
    Hit,
    HitStatus,
    ListEntry,
    ListKind,
    ListVersion,
    OwnershipFlag,
    OwnershipRegime,
    RunFinding,
    RunTrigger,
    SanctionsList,
    ScreeningRun,
    ScreeningStatus,
)
from verbund.compliance.parsers import DEFAULT_LIST_KEYS, FORMAT_KINDS, ListFormatError, parse
from verbund.compliance.screening import PARTY_COLUMNS, PartyRow
from verbund.core import audit, forking, jobs
from verbund.core.collector import gc_paused
from verbund.parties.models import Party

log = logging.getLogger(__name__)
CHUNK = 5000
# Fewer parties than this are screened in this process: forking costs more than it saves.
FORK_FROM = 500


# --- lists ----------------------------------------------------------------------------------


@transaction.atomic
def do_import_list(
    fmt: str,
    files: Sequence[tuple[str, bytes]],
    *,
    actor: Any,
    list_key: str = "",
    list_name: str = "",
    rescreen: bool = True,
) -> ListVersion:
    """Import one list snapshot from ``files``; the previous version stays, the new one becomes current.

    A file that cannot be read raises ValidationError and leaves everything as it was. After
    the import, parties are screened again against the entries added or changed.
    """
    try:
        result = parse(fmt, list(files))
    except ListFormatError as exc:
        raise ValidationError({"files": [str(exc)]}) from exc
    default_key, default_name = DEFAULT_LIST_KEYS[fmt]
    slist, _created = SanctionsList.objects.select_for_update().get_or_create(
        key=list_key or default_key,
        defaults={
            "name": list_name or default_name,
            "format": fmt,
            "kind": FORMAT_KINDS.get(fmt, ListKind.SANCTIONS),
        },
    )
    previous = (
        {
            e.external_id: e.content_hash
            for e in ListEntry.objects.filter(version_id=slist.current_id).only(
                "external_id", "content_hash"
            )
        }
        if slist.current_id
        else {}
    )
    new = {e.external_id: e.content_hash() for e in result.entries}
    added = sorted(set(new) - set(previous))
    removed = sorted(set(previous) - set(new))
    changed = sorted(k for k in set(new) & set(previous) if new[k] != previous[k])
    digest = hashlib.sha256(b"".join(data for _n, data in files)).hexdigest()
    number = (slist.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = ListVersion.objects.create(
        list=slist, number=number, imported_by=actor if getattr(actor, "is_authenticated", False) else None,
        files=[n for n, _d in files], sha256=digest, published=result.published, entry_count=len(new),
        added=len(added), changed=len(changed), removed=len(removed),
        diff={"added": added, "changed": changed, "removed": removed},
    )  # fmt: skip
    ListEntry.objects.bulk_create(
        [
            ListEntry(
                version=version,
                external_id=e.external_id[:128],
                schema=e.schema,
                name=e.name[:500],
                names=e.names,
                countries=e.countries,
                birth_dates=e.birth_dates,
                identifiers=e.identifiers,
                programs=e.programs,
                remarks=e.remarks,
                content_hash=new[e.external_id],
            )
            for e in result.entries
        ],
        batch_size=2000,
    )
    before = {"current": slist.current_id}
    slist.current = version
    slist.format = fmt
    slist.save(update_fields=["current", "format"])
    # Hits on entries that left the list are no longer open questions.
    if removed:
        Hit.objects.filter(list=slist, entry_external_id__in=removed, status=HitStatus.OPEN).update(
            status=HitStatus.OBSOLETE, updated_at=timezone.now()
        )
    audit.record(
        actor=actor, action="compliance.list_import", obj=version, before=before,
        after={"version": number, "entries": len(new), "added": len(added), "changed": len(changed), "removed": len(removed), "files": version.files},
    )  # fmt: skip
    screening.forget_index()
    if rescreen:
        do_rescreen_version(version, actor=actor)
    return version


def needs_rescreen(version: ListVersion) -> bool:
    """Whether a new version has entries to screen parties against (added or changed)."""
    return bool(version.added or version.changed) and Party.objects.exists()


def do_rescreen_version(
    version: ListVersion, *, actor: Any, run: ScreeningRun | None = None
) -> ScreeningRun | None:
    """Screen every party against the entries ``version`` added or changed (the rest of the
    list screened them before); ``run``: a run row made beforehand, whose progress a page shows."""
    if not needs_rescreen(version):
        return None
    changed = version.diff.get("added", []) + version.diff.get("changed", [])
    ids = list(
        ListEntry.objects.filter(version=version, external_id__in=changed).values_list(
            "id", flat=True
        )
    )
    index = screening.build_index({version.list_id: version.id}, only_entries=ids)
    return do_screen_parties(
        actor=actor,
        trigger=RunTrigger.LIST_UPDATE,
        index=index,
        lists=[version.list_id],
        close_missing=False,
        run=run,
    )


# --- screening ------------------------------------------------------------------------------


def _hit_payload(match: Match) -> dict[str, Any]:
    return {
        "entry_id": match.entry.entry_id, "entry_hash": match.entry.content_hash, "entry_name": match.entry.name[:500],
        "matched_name": match.matched_name[:500], "score": match.score, "explanation": match.explanation,
    }  # fmt: skip


def _apply(
    existing: dict[tuple[int, str], Hit],
    party_id: int,
    fp: str,
    matches: list[Match],
    run: ScreeningRun | None,
    lists: Iterable[int] | None,
    close_missing: bool,
) -> tuple[list[Hit], list[Hit], list[dict[str, Any]]]:
    """Merge one party's matches into its hits: (new hits, changed hits, reopened notes)."""
    new: list[Hit] = []
    changed: list[Hit] = []
    notes: list[dict[str, Any]] = []
    seen: set[tuple[int, str]] = set()
    for m in matches:
        key = (m.entry.list_id, m.entry.external_id)
        seen.add(key)
        data = _hit_payload(m)
        hit = existing.get(key)
        if hit is None:
            new.append(
                Hit(
                    party_id=party_id,
                    list_id=key[0],
                    entry_external_id=key[1],
                    party_fingerprint=fp,
                    status=HitStatus.OPEN,
                    run=run,
                    **{"entry_id": data.pop("entry_id"), **data},
                )
            )
            continue
        reopen = hit.status in (HitStatus.DISMISSED, HitStatus.OBSOLETE) and (
            hit.party_fingerprint != fp or hit.entry_hash != data["entry_hash"]
        )
        if hit.status == HitStatus.OBSOLETE:
            reopen = True
        if reopen:
            notes.append({"hit": hit.pk, "was": hit.status})
            hit.status = HitStatus.OPEN
            hit.reason = ""
            hit.reviewed_by = None
            hit.reviewed_at = None
            hit.first_reviewer = None
        hit.entry_id = data["entry_id"]
        hit.entry_hash = data["entry_hash"]
        hit.entry_name = data["entry_name"]
        hit.matched_name = data["matched_name"]
        hit.score = data["score"]
        hit.explanation = data["explanation"]
        hit.party_fingerprint = fp
        hit.run = run or hit.run
        changed.append(hit)
    if close_missing:
        for key, hit in existing.items():
            if (
                key in seen
                or hit.status != HitStatus.OPEN
                or (lists is not None and key[0] not in lists)
            ):
                continue
            hit.status = HitStatus.OBSOLETE
            hit.run = run or hit.run
            changed.append(hit)
    return new, changed, notes


_UPDATE_FIELDS = [
    "entry",
    "entry_hash",
    "entry_name",
    "matched_name",
    "score",
    "explanation",
    "party_fingerprint",
    "status",
    "reason",
    "reviewed_by",
    "reviewed_at",
    "first_reviewer",
    "run",
    "updated_at",
]


# What a hit's update may change besides its run (``_write_chunk``).
_COMPARED = [
    f.attname
    for f in Hit._meta.concrete_fields
    if f.name in _UPDATE_FIELDS and f.name not in ("run", "updated_at")
]


def _compared(hit: Hit) -> tuple[Any, ...]:
    return tuple(getattr(hit, a) for a in _COMPARED)


@transaction.atomic
def do_screen_party(party: Party, *, actor: Any, index: Index | None = None) -> list[Hit]:
    """Screen one party now (the synchronous trigger on create and change); returns its current hits."""
    if index is None:
        index, _versions = screening.get_index()
    if not index.entries:
        return []
    row = PartyRow.of(party)
    matches = index.screen(screening.query_for(row), screening.threshold())
    existing = {(h.list_id, h.entry_external_id): h for h in Hit.objects.filter(party_id=party.pk)}
    new, changed, notes = _apply(
        existing, party.pk, screening.fingerprint(row), matches, None, None, close_missing=True
    )
    now = timezone.now()
    for h in changed:
        h.updated_at = now
    Hit.objects.bulk_create(new)
    if changed:
        Hit.objects.bulk_update(changed, _UPDATE_FIELDS)
    if new or notes or any(h.status == HitStatus.OBSOLETE for h in changed):
        audit.record(
            actor=actor, action="compliance.screen_party", obj=party, party_id=party.pk,
            after={"new_hits": [h.entry_name for h in new], "reopened": notes, "matches": len(matches)},
        )  # fmt: skip
    return list(Hit.objects.filter(party_id=party.pk).exclude(status=HitStatus.OBSOLETE))


def _party_rows(
    party_ids: Sequence[int] | None, size: int = CHUNK
) -> Iterable[list[tuple[Any, ...]]]:
    """The screened columns (``PARTY_COLUMNS``) of the live parties, all or ``party_ids``, in
    chunks of ``size`` ordered by id. Plain tuples: they are what crosses to the worker
    processes."""
    qs = Party.objects.filter(merged_into__isnull=True, archived=False)
    if party_ids is not None:
        ids = list(party_ids)
        for i in range(0, len(ids), size):
            yield list(
                qs.filter(id__in=ids[i : i + size]).order_by("id").values_list(*PARTY_COLUMNS)
            )
        return
    last = 0
    while True:
        rows = list(qs.filter(id__gt=last).order_by("id").values_list(*PARTY_COLUMNS)[:CHUNK])
        if not rows:
            return
        last = rows[-1][0]
        yield rows


def _screen_chunk(
    args: tuple[list[tuple[Any, ...]], float, set[int] | None],
) -> tuple[list[int], list[tuple[int, str, list[Match]]]]:
    """One chunk's matches against the index ``forking.inherited()`` (shared, never pickled)."""
    values, limit, only = args
    index: Index = forking.inherited()
    out = []
    # The index's caches of words and names grow through a run and make no cycles:
    # collections walking them cost a tenth of a full run.
    with gc_paused():
        rows = [PartyRow(*v) for v in values]
        queries = [screening.query_for(row) for row in rows]
        index.prescan((name, query.kind) for query in queries for name in query.names)
        for row, query in zip(rows, queries, strict=True):
            matches = index.screen(query, limit)
            if only is not None:
                matches = [m for m in matches if m.entry.entry_id in only]
            out.append((row.id, screening.fingerprint(row), matches))
    return [v[0] for v in values], out


def _existing_hits(ids: list[int]) -> dict[int, dict[tuple[int, str], Hit]]:
    """The hits of the parties ``ids``, by party and (list, entry). A full run's chunk
    is a run of consecutive ids: read by range, as an IN list of 5,000 ids costs the ORM more
    than the query."""
    existing: dict[int, dict[tuple[int, str], Hit]] = {}
    if not ids:
        return existing
    low, high = min(ids), max(ids)
    if high - low < 2 * len(ids):
        wanted = set(ids)
        hits: Iterable[Hit] = (
            h
            for h in Hit.objects.filter(party_id__gte=low, party_id__lte=high)
            if h.party_id in wanted
        )
    else:
        hits = Hit.objects.filter(party_id__in=ids)
    for h in hits:
        existing.setdefault(h.party_id, {})[(h.list_id, h.entry_external_id)] = h
    return existing


def _write_chunk(
    ids: list[int],
    found: list[tuple[int, str, list[Match]]],
    run: ScreeningRun,
    lists: Sequence[int] | None,
    close_missing: bool,
) -> tuple[int, int]:
    """Merge one chunk's matches into the hits table; returns (new hits, matches)."""
    existing = _existing_hits(ids)
    before = {h.pk: _compared(h) for hits in existing.values() for h in hits.values()}
    new_all: list[Hit] = []
    changed_all: list[Hit] = []
    matched = 0
    for pid, fp, matches in found:
        if not matches and pid not in existing:
            continue
        new, changed, _notes = _apply(
            existing.get(pid, {}), pid, fp, matches, run, lists, close_missing
        )
        new_all += new
        changed_all += changed
        matched += len(matches)
    now = timezone.now()
    for h in changed_all:
        h.updated_at = now
    Hit.objects.bulk_create(new_all, batch_size=1000)
    # Most hits of a repeated run come out as they were but for the run: one UPDATE for those,
    # the per-row update only for the others.
    moved: list[Hit] = []
    kept: list[int] = []
    for h in changed_all:
        if _compared(h) == before[h.pk]:
            kept.append(h.pk)
        else:
            moved.append(h)
    for i in range(0, len(kept), 900):
        Hit.objects.filter(pk__in=kept[i : i + 900]).update(run=run, updated_at=now)
    if moved:
        Hit.objects.bulk_update(moved, _UPDATE_FIELDS, batch_size=500)
    _record_findings(run, new_all, changed_all)
    return len(new_all), matched


def _record_findings(run: ScreeningRun, new: list[Hit], changed: list[Hit]) -> None:
    """The run's snapshot of the hits it wrote (its report), in the chunk's transaction."""
    hits = [(h, True) for h in new] + [(h, False) for h in changed]
    if not hits:
        return
    parties = {
        p.pk: p
        for p in Party.objects.filter(id__in={h.party_id for h, _new in hits}).only(
            "id", "kind", "number", "name", "title", "first_name", "last_name"
        )
    }
    list_keys = dict(
        SanctionsList.objects.filter(id__in={h.list_id for h, _new in hits}).values_list(
            "id", "key"
        )
    )
    reviewer_ids = {h.reviewed_by_id for h, _new in hits if h.reviewed_by_id}
    reviewers = dict(
        get_user_model()
        .objects.filter(pk__in=reviewer_ids)
        .values_list("pk", get_user_model().USERNAME_FIELD)
        if reviewer_ids
        else []
    )
    RunFinding.objects.bulk_create(
        [
            RunFinding(
                run=run,
                hit_id=h.pk,
                party_id=h.party_id,
                party_number=parties[h.party_id].number,
                party_name=parties[h.party_id].display_name[:500],
                list_key=list_keys[h.list_id],
                entry_external_id=h.entry_external_id,
                entry_name=h.entry_name,
                matched_name=h.matched_name,
                score=h.score,
                status=h.status,
                new=is_new,
                reason=h.reason,
                reviewed_at=h.reviewed_at,
                reviewed_by=reviewers.get(h.reviewed_by_id, "") if h.reviewed_by_id else "",
            )
            for h, is_new in hits
        ],
        batch_size=1000,
    )


def do_screen_parties(
    *,
    actor: Any,
    trigger: str = RunTrigger.ALL,
    party_ids: Sequence[int] | None = None,
    index: Index | None = None,
    lists: Sequence[int] | None = None,
    close_missing: bool = True,
    workers: int | None = None,
    run: ScreeningRun | None = None,
    progress: Callable[[ScreeningRun], None] | None = None,
    only_entries: set[int] | None = None,
) -> ScreeningRun:
    """Screen many parties (all, or ``party_ids``) in batches of 5,000, each batch written in its
    own transaction; one audit record for the run.

    With ``workers`` > 1 (default: ``screening.workers()``) the batches are scored in forked
    processes sharing the index; the database work stays in this process. ``only_entries``:
    keep only matches on these list entries (ids), as the delta screening does with the full
    index.
    """
    if workers is None:
        workers = screening.workers()
    qs = Party.objects.filter(merged_into__isnull=True, archived=False)
    total = len(party_ids) if party_ids is not None else qs.count()
    # A few thousand parties (a delta pass) cost seconds in one process: each word new to the
    # index is scanned against the list words of its length, and nothing is cached yet. They
    # are shared too, one chunk per worker.
    few = (
        party_ids is not None
        and workers > 1
        and FORK_FROM <= total <= 2 * CHUNK
        and forking.alone()
    )
    size = -(-total // workers) if few else CHUNK
    forks = workers > 1 and (few or total > 2 * CHUNK) and forking.can_fork()
    if index is None:
        index, versions = screening.get_index(workers if forks else 1)
    else:
        versions = screening.current_versions()
    limit = screening.threshold()
    if run is None:
        run = ScreeningRun.objects.create(
            trigger=trigger,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            threshold=limit,
            versions={str(k): v for k, v in versions.items()},
            total=total,
        )
    else:
        run.total, run.threshold, run.versions = (
            total,
            limit,
            {str(k): v for k, v in versions.items()},
        )
        run.save(update_fields=["total", "threshold", "versions"])
    # This process claims the run: if it dies, the next sweep fails the run (core.jobs).
    run.status = ScreeningStatus.RUNNING
    run.save(update_fields=["status", *jobs.claim(run)])
    chunks = ((rows, limit, only_entries) for rows in _party_rows(party_ids, size))
    results = forking.in_order(_screen_chunk, chunks, workers if forks else 1, inherit=index)
    try:
        hits = new_count = 0
        for _chunk, (ids, found) in results:
            screened = len(ids)
            if not close_missing:
                found = [f for f in found if f[2]]
                ids = [f[0] for f in found]
            # One transaction per chunk, not per run: a run over a million parties must not
            # hold the database's write lock (SQLite) for its whole duration, and the UI must
            # see the progress. Results are per party and idempotent; a failed run is marked.
            with transaction.atomic():
                added, matched = _write_chunk(ids, found, run, lists, close_missing)
                hits += matched
                new_count += added
                run.done = min(total, run.done + screened)
                run.hit_count, run.new_hit_count = hits, new_count
                ScreeningRun.objects.filter(pk=run.pk).update(
                    done=run.done, hit_count=hits, new_hit_count=new_count
                )
            if progress:
                progress(run)
        with transaction.atomic():
            run.done = total
            run.status = ScreeningStatus.FINISHED
            run.finished_at = timezone.now()
            run.save(update_fields=["done", "status", "finished_at", "hit_count", "new_hit_count"])
            audit.record(
                actor=actor, action="compliance.screen_run", obj=run,
                after={"trigger": trigger, "parties": total, "hits": hits, "new_hits": new_count, "versions": run.versions, "threshold": limit},
            )  # fmt: skip
    except Exception as exc:
        run.status = ScreeningStatus.FAILED
        ScreeningRun.objects.filter(pk=run.pk).update(
            status=ScreeningStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    finally:
        results.close()
        jobs.release(run)
    do_recompute_ownership(actor=actor)
    return run


# --- review ---------------------------------------------------------------------------------


def _review_check(hit: Hit, actor: Any) -> None:
    if not (actor and getattr(actor, "has_perm", None) and actor.has_perm("compliance.review_hit")):
        raise PermissionDenied(_("Only the compliance role may review hits."))


@transaction.atomic
def do_confirm_hit(hit: Hit, *, actor: Any, reason: str = "") -> Hit:
    """Confirm a hit as a true match: the party is blocked (with four-eyes, after a second reviewer)."""
    _review_check(hit, actor)
    hit = Hit.objects.select_for_update().get(pk=hit.pk)
    before = audit.snapshot(hit, exclude=["explanation"])
    if hit.status == HitStatus.CONFIRMED:
        return hit
    refusal = rules.second_review_refusal(hit, actor)
    if refusal:
        raise ValidationError(refusal)
    if screening.four_eyes():
        if hit.status == HitStatus.PENDING:
            hit.status = HitStatus.CONFIRMED
        else:
            hit.status = HitStatus.PENDING
            hit.first_reviewer = actor
    else:
        hit.status = HitStatus.CONFIRMED
        hit.first_reviewer = hit.first_reviewer or actor
    hit.reviewed_by = actor
    hit.reviewed_at = timezone.now()
    hit.reason = reason or hit.reason
    hit.save()
    audit.record(
        actor=actor,
        action="compliance.hit_confirm",
        obj=hit,
        before=before,
        after=audit.snapshot(hit, exclude=["explanation"]),
        party_id=hit.party_id,
        note=reason,
    )
    if hit.status == HitStatus.CONFIRMED:
        do_recompute_ownership(actor=actor)
    return hit


@transaction.atomic
def do_dismiss_hit(hit: Hit, *, actor: Any, reason: str) -> Hit:
    """Dismiss a hit as a false positive; remembered until the party or the list entry changes."""
    _review_check(hit, actor)
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("A dismissal needs a reason.")]})
    hit = Hit.objects.select_for_update().get(pk=hit.pk)
    before = audit.snapshot(hit, exclude=["explanation"])
    was_confirmed = hit.status == HitStatus.CONFIRMED
    hit.status = HitStatus.DISMISSED
    hit.reason = reason.strip()
    hit.reviewed_by = actor
    hit.reviewed_at = timezone.now()
    hit.save()
    audit.record(
        actor=actor,
        action="compliance.hit_dismiss",
        obj=hit,
        before=before,
        after=audit.snapshot(hit, exclude=["explanation"]),
        party_id=hit.party_id,
        note=reason,
    )
    if was_confirmed:
        do_recompute_ownership(actor=actor)
    return hit


# --- ownership ------------------------------------------------------------------------------


@transaction.atomic
def do_recompute_ownership(*, actor: Any = None, day: dt.date | None = None) -> dict[str, int]:
    """Recompute every ownership flag from confirmed hits and current shares; audit what changed."""
    blocked = selectors.blocked_party_ids(hits_only=True)
    counts: dict[str, int] = {}
    changes: dict[str, Any] = {}
    for regime in OwnershipRegime.values:
        flagged = ownership.compute(blocked, regime, day) if blocked else {}
        existing = {f.party_id: f for f in OwnershipFlag.objects.filter(regime=regime)}
        gone = [pid for pid in existing if pid not in flagged]
        if gone:
            OwnershipFlag.objects.filter(regime=regime, party_id__in=gone).delete()
        added, updated = [], []
        for pid, info in flagged.items():
            share = Decimal(info["share"]).quantize(Decimal("0.0001"))
            flag = existing.get(pid)
            if flag is None:
                added.append(
                    OwnershipFlag(party_id=pid, regime=regime, share=share, chains=info["chains"])
                )
            elif flag.share != share or flag.chains != info["chains"]:
                flag.share, flag.chains = share, info["chains"]
                updated.append(flag)
        OwnershipFlag.objects.bulk_create(added)
        if updated:
            OwnershipFlag.objects.bulk_update(updated, ["share", "chains"])
        counts[regime] = len(flagged)
        if added or updated or gone:
            changes[regime] = {
                "added": [f.party_id for f in added],
                "updated": [f.party_id for f in updated],
                "removed": gone,
            }
    if changes:
        audit.record(
            actor=actor,
            action="compliance.ownership",
            object_type="compliance.ownershipflag",
            after=changes,
        )
    return counts
