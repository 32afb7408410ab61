"""List updates and the delta screening: a pass over the folder or download of the official
files records a version of each list whose files changed (through ``actions.do_import_list``)
and screens only what is new — new or changed entries against the parties that share a token
with them, changed parties against every entry (decision 0030). The stored party tokens are
that screening's inverted index.
"""

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from contextlib import closing
from typing import Any

import orjson
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from verbund.compliance import screening
from verbund.compliance.actions import CHUNK, do_import_list, do_screen_parties
from verbund.compliance.delta_filter import DeltaFilter
from verbund.compliance.matching import PERSON, Index
from verbund.compliance.models import (
    ListEntry,
    ListUpdate,
    ListVersion,
    PartyScreeningKey,
    PartyToken,
    PartyTokenMark,
    RunTrigger,
    SanctionsList,
    ScreeningStatus,
)
from verbund.compliance.parsers import DEFAULT_LIST_KEYS
from verbund.compliance.screening import PARTY_COLUMNS, PartyRow
from verbund.core import audit, forking
from verbund.core.collector import gc_paused
from verbund.parties.models import Party


def files_digest(files: Sequence[tuple[str, bytes]]) -> str:
    """The checksum a version records of its files (in the order given)."""
    return hashlib.sha256(b"".join(data for _n, data in files)).hexdigest()


def do_update_lists(
    groups: Sequence[tuple[str, Sequence[tuple[str, bytes]]]],
    *,
    actor: Any,
    source: str,
    screen: bool = True,
    workers: int | None = None,
) -> ListUpdate:
    """Record a new version of each list in ``groups`` ((format, files) per list) whose files
    differ from its current version's, then screen only what is new (``ListUpdate``).

    All versions are written in one transaction: one bad file leaves every list as it was, and
    the pass is recorded as failed with the file's error. Then every party is screened against
    the entries the new versions added or changed, and the parties changed since the previous
    finished pass against every entry; unchanged parties are not screened against unchanged
    entries again.
    """
    previous = (
        ListUpdate.objects.filter(status=ScreeningStatus.FINISHED, screened=True)
        .order_by("-started_at")
        .first()
    )
    update = ListUpdate.objects.create(
        source=source[:1000], parties_since=previous.started_at if previous else None
    )
    versions: list[ListVersion] = []
    try:
        with transaction.atomic():
            for fmt, files in groups:
                key = DEFAULT_LIST_KEYS[fmt][0] if fmt in DEFAULT_LIST_KEYS else ""
                current = (
                    SanctionsList.objects.filter(key=key)
                    .values_list("current__sha256", flat=True)
                    .first()
                )
                if current and current == files_digest(files):
                    update.unchanged.append(key)
                    continue
                versions.append(do_import_list(fmt, files, actor=actor, rescreen=False))
            update.versions = [v.pk for v in versions]
            update.save(update_fields=["versions", "unchanged"])
            audit.record(
                actor=actor, action="compliance.list_update", obj=update,
                after={"source": update.source, "versions": [str(v) for v in versions], "unchanged": update.unchanged},
            )  # fmt: skip
    except ValidationError as exc:
        ListUpdate.objects.filter(pk=update.pk).update(
            status=ScreeningStatus.FAILED,
            error="; ".join(exc.messages)[:4000],
            finished_at=timezone.now(),
        )
        raise
    if screen:
        return do_delta_screen(update, actor=actor, workers=workers)
    update.status = ScreeningStatus.FINISHED
    update.finished_at = timezone.now()
    update.save(update_fields=["status", "finished_at"])
    return update


def changed_party_ids(since: dt.datetime | None) -> list[int]:
    """Live parties changed at or after ``since`` (none before a first update pass)."""
    if since is None:
        return []
    # Sorted here: ordered by id, SQLite scans every party in id order instead of seeking the
    # few changed ones by ``updated_at`` (0.26 s against 2 ms at 1M parties).
    return sorted(
        Party.objects.filter(merged_into__isnull=True, archived=False, updated_at__gte=since)
        .order_by()
        .values_list("id", flat=True)
    )


# A delta filter's work over fewer party tokens than this stays in this process: forking
# costs more than it saves.
FORK_FROM = 50_000


def _derives_forked(parties: int) -> bool:
    """Whether ``do_refresh_party_tokens`` derives this many parties' tokens in forked workers
    (three batches or more); fewer are derived in one process, and the delta screening derives
    them on the thread beside the index build."""
    return parties > 2 * CHUNK


def _filter_tokens(vocab: Sequence[str]) -> tuple[set[str], set[str], dict[str, frozenset[int]]]:
    """``DeltaFilter.tokens`` of ``vocab`` by the filter ``forking.inherited()``, and the close
    words it found."""
    delta: DeltaFilter = forking.inherited()
    persons, organisations = delta.tokens(vocab)
    return persons, organisations, delta.found()


def _filter_bound(args: tuple[Sequence[str], float]) -> list[int]:
    """Positions in ``texts`` of the stored readings that may match, by the filter
    ``forking.inherited()``."""
    texts, limit = args
    delta: DeltaFilter = forking.inherited()
    out = []
    for i, text in enumerate(texts):
        readings = orjson.loads(text)
        if delta.may_match(readings["kind"], readings["names"], limit):
            out.append(i)
    return out


def delta_party_ids(
    index: Index,
    entry_ids: set[int],
    workers: int = 1,
    sync_state: screening.TokenState | None = None,
    vocab: list[str] | None = None,
) -> list[int]:
    """The live parties a screening against ``index`` may match to one of ``entry_ids``
    (``delta_filter.DeltaFilter``): those sharing a close spelling or an identifier with the
    entries (the stored tokens, brought up to date first), less those whose words cannot
    reach the threshold. The rest cannot match them; the delta screening skips them.

    With ``workers`` > 1 and many stored tokens, the scan of the tokens and the bound over
    the readings are shared among forked processes (each token and each reading is decided
    alone, so the parts' union is the whole's result). ``sync_state``, ``vocab``: the stored
    tokens' state (``screening.token_sync_state``) and vocabulary
    (``screening.token_vocabulary``) if read already, before the sync."""
    # The tokens the sync writes join a vocabulary read before it: a token no party holds
    # any more finds no party, so a larger vocabulary costs only its scan.
    written: set[str] | None = set() if vocab is not None else None
    do_sync_party_tokens(workers, sync_state, written)
    if vocab is None:
        vocab = screening.token_vocabulary()
    elif written:
        vocab = sorted(set(vocab) | written)
    # The filter's word sets and the decoded readings make no cycles; collections walking them
    # took about a third of this filter's time at 1M parties.
    with gc_paused():
        return _reaching(index, entry_ids, workers, vocab)


def _reaching(index: Index, entry_ids: set[int], workers: int, vocab: list[str]) -> list[int]:
    positions = {i for i, e in enumerate(index.entries) if e.entry_id in entry_ids}
    if not positions:
        return []
    delta = DeltaFilter(index, positions)
    limit = screening.threshold()
    forks = workers if len(vocab) >= FORK_FROM and forking.can_fork() else 1
    # Interleaved slices: neighbours in the sorted vocabulary cost alike.
    step = 2 * forks
    persons: set[str] = set()
    organisations: set[str] = set()
    found: dict[str, frozenset[int]] = {}
    slices = (vocab[k::step] for k in range(step))
    with closing(forking.in_order(_filter_tokens, slices, forks, inherit=delta)) as scanned:
        for _slice, (p, o, close) in scanned:
            persons |= p
            organisations |= o
            found.update(close)
    if forks > 1:
        # The bound looks the readings' words up again: in the next workers, forked from
        # this filter, as known.
        delta.remember(found, (t for t in vocab if t[:1] not in "+#"))
    by_identifier = set(screening.parties_with_tokens(delta.identifiers))
    # Parties with the same stored readings share one decoding and one bound.
    sharing: dict[str, list[int]] = defaultdict(list)
    for kind_tokens, person in ((persons, True), (organisations, False)):
        for pid, text in screening.readings_with_tokens(kind_tokens, person).items():
            if pid not in by_identifier:
                sharing[text].append(pid)
    texts = list(sharing)
    reaching: list[str] = []
    parts = ((texts[k::step], limit) for k in range(step))
    with closing(forking.in_order(_filter_bound, parts, forks, inherit=delta)) as bounded:
        for (part, _limit), ok in bounded:
            reaching += [part[i] for i in ok]
    out = set(by_identifier)
    for text in reaching:
        out.update(sharing[text])
    return sorted(out)


def do_delta_screen(update: ListUpdate, *, actor: Any, workers: int | None = None) -> ListUpdate:
    """Screen what ``update`` made new: all parties against the added and changed entries of
    its versions, then the parties changed since the previous pass against every entry (each a
    screening run with its own audit record); the pass is finished afterwards."""
    versions = list(ListVersion.objects.filter(pk__in=update.versions))
    new_hits = 0
    wanted = {
        v.pk: v.diff.get("added", []) + v.diff.get("changed", [])
        for v in versions
        if v.added or v.changed
    }
    if wanted and Party.objects.exists():
        ids: list[int] = []
        for version_id, external_ids in wanted.items():
            for i in range(0, len(external_ids), 900):
                ids += ListEntry.objects.filter(
                    version_id=version_id, external_id__in=external_ids[i : i + 900]
                ).values_list("id", flat=True)
        # The full index (the changed parties' pass needs it too), so that the scores are
        # those a full run would give; only the parties sharing a spelling with a new or
        # changed entry are screened, and only matches on those entries are kept.
        forks = screening.workers() if workers is None else workers
        # What the filter reads of the parties is read while the index is built: which stored
        # tokens are stale (derived again there when few: a big backlog is derived in forked
        # workers after the build) and their vocabulary. The changed parties are read after
        # it (a few rows by ``updated_at``, 2 ms at 1M parties, but each row a side thread
        # fetches waits for the GIL the build holds: 0.3 s).
        read: dict[str, Any] = {}

        def meanwhile() -> None:
            state = screening.token_sync_state()
            if not _derives_forked(len(state.stale)):
                do_sync_party_tokens(1, state)
                state = state._replace(stale=[], dead=[])
            read["state"] = state
            read["vocab"] = screening.token_vocabulary()

        index, _versions = screening.get_index(forks, meanwhile=meanwhile)
        only = set(ids)
        run = do_screen_parties(
            actor=actor,
            trigger=RunTrigger.LIST_UPDATE,
            party_ids=delta_party_ids(index, only, forks, read["state"], read["vocab"]),
            index=index,
            lists=[v.list_id for v in versions],
            close_missing=False,
            workers=workers,
            only_entries=only,
        )
        update.entry_run = run
        new_hits += run.new_hit_count
    changed = changed_party_ids(update.parties_since)
    update.parties_changed = len(changed)
    if changed and screening.current_versions():
        run = do_screen_parties(
            actor=actor, trigger=RunTrigger.PARTIES, party_ids=changed, workers=workers
        )
        update.party_run = run
        new_hits += run.new_hit_count
    update.new_hits = new_hits
    update.status = ScreeningStatus.FINISHED
    update.screened = True
    update.finished_at = timezone.now()
    update.save(
        update_fields=[
            "status", "screened", "finished_at", "parties_changed", "entry_run", "party_run", "new_hits"
        ]
    )  # fmt: skip
    return update


# --- stored party tokens (the delta screening's inverted index) -----------------------------


def _derive_tokens(
    rows: list[tuple[Any, ...]],
) -> tuple[list[tuple[int, Any, str, dict[str, Any]]], list[tuple[str, bool, int]]]:
    """(key rows, token rows) of parties read as ``PARTY_COLUMNS`` and ``updated_at``."""
    keys = []
    tokens: list[tuple[str, bool, int]] = []
    for *values, updated_at in rows:
        row = PartyRow(*values)
        readings, words = screening.party_tokens(row)
        keys.append((row.id, updated_at, screening.fingerprint(row), readings))
        person = readings["kind"] == PERSON
        tokens += [(t, person, row.id) for t in words]
    return keys, tokens


def _write_tokens(
    keys: list[tuple[int, Any, str, dict[str, Any]]], tokens: list[tuple[str, bool, int]]
) -> None:
    """Insert derived rows as they are: a model instance per token cost more than deriving it
    (140,000 tokens per 20,000 parties)."""
    fields = PartyScreeningKey._meta
    updated, readings = fields.get_field("party_updated_at"), fields.get_field("readings")
    rules = screening.token_rules()
    key_rows = [
        (
            pid,
            updated.get_db_prep_save(at, connection),
            fp,
            readings.get_db_prep_save(r, connection),
            rules,
        )
        for pid, at, fp, r in keys
    ]
    quote = connection.ops.quote_name
    with connection.cursor() as cur:
        cur.executemany(
            f"INSERT INTO {quote(fields.db_table)} (party_id, party_updated_at, fingerprint, "
            "readings, rules) VALUES (%s, %s, %s, %s, %s)",
            key_rows,
        )
        cur.executemany(
            f"INSERT INTO {quote(PartyToken._meta.db_table)} (token, person, party_id) "
            "VALUES (%s, %s, %s)",
            tokens,
        )


def do_refresh_party_tokens(
    party_ids: Iterable[int], workers: int = 1, written: set[str] | None = None
) -> int:
    """Derive the stored tokens of ``party_ids`` again (``screening.party_tokens``), each
    batch in one transaction; parties no longer screened (merged, archived, gone) lose theirs.
    Every write path calls this (``receivers``: a party's own save, bulk loads after commit;
    the delta screening for whatever is stale). Returns the number of live parties written.

    With ``workers`` > 1 and several batches, forked processes derive the tokens while this
    one reads and writes. A party saved meanwhile keeps the ``updated_at`` it was read with,
    so the next sync derives it again. ``written`` collects the tokens written but identifier
    keys (the vocabulary's)."""
    ids = sorted(set(party_ids))
    parts = [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]
    count = 0

    def write(part: list[int], derived: tuple[list[Any], list[tuple[str, bool, int]]]) -> None:
        nonlocal count
        with transaction.atomic():
            PartyToken.objects.filter(party_id__in=part).delete()
            PartyScreeningKey.objects.filter(party_id__in=part).delete()
            _write_tokens(*derived)
        count += len(derived[0])
        if written is not None:
            written.update(t for t, _person, _pid in derived[1] if t[:1] != "#")

    def read(part: list[int]) -> list[tuple[Any, ...]]:
        return list(
            Party.objects.filter(id__in=part, merged_into__isnull=True, archived=False)
            .order_by("id")
            .values_list(*PARTY_COLUMNS, "updated_at")
        )

    # Reads and writes stay in this thread (and its connection); the workers only derive.
    tasks = ((part, read(part)) for part in parts)
    forks = workers if _derives_forked(len(ids)) else 1
    with closing(forking.in_order(_derive_part, tasks, forks)) as done:
        for (part, _rows), derived in done:
            write(part, derived)
    return count


@gc_paused()  # a fifth of the deriving was collections walking the rows derived
def _derive_part(task: tuple[list[int], list[tuple[Any, ...]]]) -> tuple[list[Any], Any]:
    return _derive_tokens(task[1])


def do_sync_party_tokens(
    workers: int = 1,
    state: screening.TokenState | None = None,
    written: set[str] | None = None,
) -> int:
    """Bring the stored tokens up to date: derive them for live parties changed since (or
    never stored), drop those of merged and archived parties (``state``: the stale and dead
    parties, if read already; ``written``: as ``do_refresh_party_tokens``), then move the mark
    (``PartyTokenMark``) to the margin before the check. Returns the parties derived."""
    state = state or screening.token_sync_state()
    if state.dead:
        do_refresh_party_tokens(state.dead)
    count = do_refresh_party_tokens(state.stale, workers, written)
    PartyTokenMark.objects.update_or_create(
        pk=1,
        defaults={
            "through": state.read_at - screening.TOKEN_MARGIN,
            "checked": state.checked,
            "rules": screening.token_rules(),
        },
    )
    return count
