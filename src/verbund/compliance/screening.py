"""Glue between the database and the matching engine: the cached index, parties as queries.

No writes here; ``actions`` stores what this module finds.
"""

import datetime as dt
import functools
import hashlib
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any, NamedTuple

import orjson
from django.conf import settings
from django.db import connection
from django.db.models import Count, Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from verbund.compliance.delta_filter import party_readings, reading_tokens
from verbund.compliance.matching import PERSON, EntryRecord, Index, Query
from verbund.compliance.matching_order import Spelling, entry_spellings
from verbund.compliance.matching_text import CANON_RULES, NOISE, ORG_FORMS, PERSON_TITLES
from verbund.compliance.models import (
    ListEntry,
    PartyScreeningKey,
    PartyToken,
    PartyTokenMark,
    SanctionsList,
)
from verbund.core import forking
from verbund.core.collector import gc_paused
from verbund.core.text import LEGAL_FORMS
from verbund.core.threads import read_alongside
from verbund.parties.models import Party, PartyKind

# The party fields screening reads (``PartyRow`` order).
PARTY_COLUMNS = [
    "id",
    "kind",
    "name",
    "name2",
    "first_name",
    "last_name",
    "country",
    "birth_date",
    "lei",
    "register_number",
    "vat_id",
]
# Party fields whose change makes a new screening necessary: every field screening reads.
SCREENED_FIELDS = frozenset(PARTY_COLUMNS) - {"id"}

_lock = threading.Lock()
_cache: dict[str, Any] = {"key": None, "index": None}


def threshold() -> float:
    """The score from which a match becomes a hit (setting VERBUND_SCREENING_THRESHOLD, default 0.70)."""
    return float(settings.VERBUND_SCREENING_THRESHOLD)


def workers() -> int:
    """Processes for a run over many parties (setting VERBUND_SCREENING_WORKERS; 0, the default:
    one per core, at most 8, as each holds its own caches beside the shared index)."""
    n = int(settings.VERBUND_SCREENING_WORKERS)
    return n if n > 0 else min(8, os.cpu_count() or 1)


def four_eyes() -> bool:
    """Whether a confirmation needs a second reviewer (setting VERBUND_SCREENING_FOUR_EYES)."""
    return bool(settings.VERBUND_SCREENING_FOUR_EYES)


def current_versions() -> dict[int, int]:
    """list id -> current version id, for every active list with a version."""
    return dict(
        SanctionsList.objects.filter(active=True, current__isnull=False).values_list(
            "id", "current_id"
        )
    )


def entry_records(
    entries: Iterable[dict[str, Any]], version_list: dict[int, int]
) -> Iterator[tuple[EntryRecord, list[dict[str, Any]]]]:
    for row in entries:
        rec = EntryRecord(
            list_id=version_list[row["version_id"]], entry_id=row["id"], external_id=row["external_id"],
            content_hash=row["content_hash"], schema=row["schema"], name=row["name"],
            countries=frozenset(row["countries"] or ()), birth_dates=tuple(row["birth_dates"] or ()),
            identifiers=tuple((i.get("type", ""), i.get("value", "")) for i in row["identifiers"] or ()),
        )  # fmt: skip
        yield rec, row["names"]


ENTRY_COLUMNS = ["id", "version_id", "external_id", "content_hash", "schema", "name"]
# Read as text and decoded here: Django's JSON field decodes with the json module, a fifth of
# reading the entries for an index (orjson takes a tenth of that).
ENTRY_JSON = ["names", "countries", "birth_dates", "identifiers"]


def entry_rows(qs: Any) -> Iterator[dict[str, Any]]:
    """The entries of ``qs`` as ``entry_records`` reads them."""
    casts = [Cast(column, TextField()) for column in ENTRY_JSON]
    n = len(ENTRY_COLUMNS)
    for values in qs.values_list(*ENTRY_COLUMNS, *casts).iterator(chunk_size=5000):
        row = dict(zip(ENTRY_COLUMNS, values[:n], strict=True))
        for column, text in zip(ENTRY_JSON, values[n:], strict=True):
            row[column] = orjson.loads(text)
        yield row


# Fewer list entries than this are spelled in this process: forking costs more than it saves.
SPELL_FORK_FROM = 5000


def _spell(bounds: tuple[int, int]) -> list[list[Spelling]]:
    """``entry_spellings`` of the entries the parent forked with, from ``bounds``."""
    entries = forking.inherited()
    return [entry_spellings(rec.schema == PERSON, names) for rec, names in entries[slice(*bounds)]]


@gc_paused()  # half of building the index was collections walking its new objects
def build_index(
    version_ids: dict[int, int],
    only_entries: Sequence[int] | None = None,
    workers: int = 1,
    meanwhile: Callable[[], None] | None = None,
) -> Index:
    """An index over the given list versions (list id -> version id), or over some entries
    only. With ``workers`` > 1 a large list's names are spelled in forked processes.
    ``meanwhile`` (database work) runs on a thread of its own while the index is built
    (``threads.read_alongside``: before, inside a transaction)."""
    version_list = {v: k for k, v in version_ids.items()}
    qs = ListEntry.objects.filter(version_id__in=list(version_list))
    if only_entries is not None:
        qs = qs.filter(id__in=list(only_entries))
    entries = list(entry_records(entry_rows(qs), version_list))
    if workers < 2 or len(entries) < SPELL_FORK_FROM or not forking.can_fork():
        with read_alongside(meanwhile):
            return Index(entries)
    step = -(-len(entries) // (4 * workers))
    with ExitStack() as stack:
        pool = stack.enter_context(forking.pool(workers, inherit=entries))
        parts = pool.map_async(_spell, [(i, i + step) for i in range(0, len(entries), step)])
        # The read's thread starts after the workers are forked and ends before the pool.
        stack.enter_context(read_alongside(meanwhile))
        spelled = [s for part in parts.get() for s in part]
        return Index(entries, spelled)


def get_index(
    workers: int = 1, meanwhile: Callable[[], None] | None = None
) -> tuple[Index, dict[int, int]]:
    """The index over the current list versions, built once per process and version set
    (``build_index``: ``workers`` for a bulk run, which forks anyway; one in a request).
    ``meanwhile`` runs in any case: while the index is built, or at once."""
    versions = current_versions()
    key = tuple(sorted(versions.items()))
    with _lock:
        if _cache["key"] != key:
            _cache["index"] = build_index(versions, workers=workers, meanwhile=meanwhile)
            _cache["key"] = key
        elif meanwhile:
            meanwhile()
        return _cache["index"], versions


def forget_index() -> None:
    with _lock:
        _cache["key"] = None
        _cache["index"] = None


@dataclass
class PartyRow:
    id: int
    kind: str
    name: str
    name2: str
    first_name: str
    last_name: str
    country: str
    birth_date: Any
    lei: str
    register_number: str
    vat_id: str

    @classmethod
    def of(cls, party: Party) -> "PartyRow":
        return cls(*(getattr(party, c) for c in PARTY_COLUMNS))


def query_for(row: PartyRow) -> Query:
    kind = "person" if row.kind == PartyKind.PERSON else "organisation"
    names = [row.name]
    if kind == "person":
        full = f"{row.first_name} {row.last_name}".strip()
        if full and full.lower() != (row.name or "").lower():
            names.append(full)
    elif row.name2:
        names.append(f"{row.name} {row.name2}")
    identifiers = [v for v in (row.lei, row.register_number, row.vat_id) if v]
    return Query(
        kind=kind,
        names=[n for n in names if n],
        country=row.country or "",
        birth_date=row.birth_date,
        identifiers=identifiers,
        # Which word is the family name: a crossed order against the list's lowers the score.
        given=(row.first_name or "") if kind == "person" else "",
        family=(row.last_name or "") if kind == "person" else "",
    )


def fingerprint(row: PartyRow) -> str:
    """Changes exactly when a screened field of the party changes. The VAT id, screened since
    2026-12, counts only when given: parties without one keep the fingerprint their reviewed
    hits were dismissed under."""
    data = "|".join(str(getattr(row, c) or "") for c in PARTY_COLUMNS[1:] if c != "vat_id")
    if row.vat_id:
        data += f"|vat:{row.vat_id}"
    return hashlib.sha256(data.encode()).hexdigest()[:32]


def party_tokens(row: PartyRow) -> tuple[dict[str, Any], set[str]]:
    """What is stored of ``row`` for the delta screening: its normalised names
    (``delta_filter.party_readings``, with the query kind) and the tokens they can be looked up by
    (``delta_filter.reading_tokens``). The one rule, whichever path writes them."""
    query = query_for(row)
    variants = party_readings(query.names, query.kind)
    readings = {"kind": query.kind, "names": [[list(v) for v in vs] for vs in variants]}
    return readings, reading_tokens(variants, query.kind, query.identifiers)


def readings_with_tokens(tokens: Iterable[str], person: bool) -> dict[int, str]:
    """Party id -> stored readings (``party_tokens``) as JSON text, for the parties (persons or
    organisations) with at least one of ``tokens`` stored. Text, not decoded: parties share
    names, the caller decodes each distinct text once."""
    wanted = sorted(tokens)
    out: dict[int, str] = {}
    for i in range(0, len(wanted), 900):
        holders = PartyToken.objects.filter(token__in=wanted[i : i + 900], person=person)
        out.update(
            PartyScreeningKey.objects.filter(party_id__in=holders.values("party_id"))
            .annotate(text=Cast("readings", TextField()))
            .values_list("party_id", "text")
        )
    return out


# A write that commits this long after it took its ``updated_at`` is still read by the next
# check of the stored tokens (``PartyTokenMark.through``): longer than any transaction of a
# bulk path, which refreshes the tokens itself after it commits anyway.
TOKEN_MARGIN = dt.timedelta(hours=1)
# However current the mark, a check reads every party at least this often: a safety net for a
# write that broke the ``updated_at`` contract.
FULL_CHECK_EVERY = dt.timedelta(days=7)

# Parties whose stored tokens fingerprint the rules deriving them (``token_rules``), with the
# word tables name reading uses: legal forms, initials, words joined and split, numbers,
# scripts, canonical spellings, identifiers. A rule that changes what a name derives and
# that neither a probe nor a table shows goes unnoticed: give it a probe here (its test's
# case).
_PROBES = [
    PartyRow(1, PartyKind.PERSON, "", "", "Hans-Peter", "Müller-Lüdenscheidt", "DE", None, "", "", ""),
    PartyRow(2, PartyKind.PERSON, "J.-C. Juncker", "", "J.-C.", "Juncker", "LU", None, "", "", ""),
    PartyRow(3, PartyKind.PERSON, "", "", "Abd al-Rahman", "bin Said Al Nuaimi", "QA", None, "", "", ""),
    PartyRow(4, PartyKind.PERSON, "", "", "Владимир", "Путин", "RU", None, "", "", ""),
    PartyRow(5, PartyKind.PERSON, "", "", "Youssef", "Abou Mahmoud", "", None, "", "", ""),
    PartyRow(11, PartyKind.PERSON, "", "", "محمد", "مسعود", "", None, "", "", ""),
    PartyRow(12, PartyKind.ORGANISATION, "Jaʿfar Trading Co. LLC", "", "", "", "AE", None, "", "", ""),
    PartyRow(6, PartyKind.ORGANISATION, "SiemensAG", "", "", "", "DE", None, "", "", ""),
    PartyRow(7, PartyKind.ORGANISATION, "Nordstern Handel GmbH & Co. KG", "Zweigniederlassung Süd",
             "", "", "DE", None, "529900T8BM49AURSDO55", "HRB 12345", "DE 313145928"),
    PartyRow(8, PartyKind.ORGANISATION, "1st International Bank of Brigade 44 Sp. z o.o.", "",
             "", "", "PL", None, "", "", ""),
    PartyRow(9, PartyKind.ORGANISATION, "Krasny Oktyabr Aktiengeselschaft", "", "", "", "", None,
             "", "CHE-020.4.068.609-3", ""),
    PartyRow(10, PartyKind.ORGANISATION, "中国石油化工 Sinopec S.A. de C.V.", "", "", "", "", None,
             "", "", ""),
    PartyRow(13, PartyKind.PERSON, "", "", "Xi", "Hsu-Jinping", "CN", None, "", "", ""),
    PartyRow(14, PartyKind.ORGANISATION, "Nordstern Handel Xarl", "", "", "", "", None, "", "", ""),
]  # fmt: skip


@functools.cache
def token_rules() -> str:
    """A fingerprint of the rules that derive the stored party tokens (``party_tokens``): it
    changes with what they derive from the probe parties and with the word tables. Stored with
    each party's key (``PartyScreeningKey.rules``: a key of other rules is stale) and with the
    mark (``PartyTokenMark.rules``: under other rules the next check reads every party)."""
    derived = [party_tokens(row) for row in _PROBES]
    tables = [sorted(NOISE), sorted(PERSON_TITLES), sorted(ORG_FORMS), CANON_RULES]
    tables.append(sorted(LEGAL_FORMS.items()))
    text = orjson.dumps([[[r, sorted(t)] for r, t in derived], tables], option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(text).hexdigest()[:16]


class TokenState(NamedTuple):
    """What ``token_sync_state`` found, and how it read it."""

    stale: list[int]
    dead: list[int]
    # When the check began, and whether it read every party (else those changed since
    # ``PartyTokenMark.through``): ``list_updates.do_sync_party_tokens`` moves the mark by it.
    read_at: dt.datetime
    full: bool
    # The last check that read every party: this one, or the mark's.
    checked: dt.datetime


def token_sync_state() -> TokenState:
    """(stale, dead) in one pass over the parties, by id: live parties whose stored tokens may
    be stale (no ``PartyScreeningKey``, one taken at another ``updated_at`` than the party's,
    or one of other rules than ``token_rules``), and merged or archived parties that still
    have stored tokens.

    Reads the parties changed since the mark (``PartyTokenMark``) if it names the current
    rules and its last full check is within ``FULL_CHECK_EVERY``, and a tenth of the parties
    or fewer changed since; else every party.

    One row comes back, the ids joined by commas: the delta screening reads this on a thread
    beside the index build (``threads.read_alongside``)."""
    read_at = timezone.now()
    rules = token_rules()
    mark = PartyTokenMark.objects.filter(pk=1).first()
    since = None
    if mark and mark.rules == rules and read_at - mark.checked < FULL_CHECK_EVERY:
        counts = Party.objects.aggregate(
            total=Count("pk"), changed=Count("pk", filter=Q(updated_at__gte=mark.through))
        )
        if counts["changed"] * 10 <= counts["total"]:
            since = mark.through
    party = connection.ops.quote_name("parties_party")
    key = connection.ops.quote_name(PartyScreeningKey._meta.db_table)
    live = "p.merged_into_id IS NULL AND NOT p.archived"
    if connection.vendor == "postgresql":
        joined = "string_agg(CASE WHEN {} THEN p.id::text END, ',')"
    else:
        joined = "group_concat(CASE WHEN {} THEN p.id END)"
    stale_if = "(k.party_id IS NULL OR k.party_updated_at <> p.updated_at OR k.rules <> %s)"
    where = f"(({live} AND {stale_if}) OR (NOT ({live}) AND k.party_id IS NOT NULL))"
    params: list[Any] = [rules]
    if since is not None:
        where += " AND p.updated_at >= %s"
        params.append(connection.ops.adapt_datetimefield_value(since))
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT {joined.format(live)}, {joined.format(f'NOT ({live})')} FROM {party} p "
            f"LEFT JOIN {key} k ON k.party_id = p.id WHERE {where}",
            params,
        )
        row = cur.fetchone()
    stale, dead = ((sorted(map(int, ids.split(","))) if ids else []) for ids in row)
    full = since is None
    return TokenState(stale, dead, read_at, full, read_at if full or not mark else mark.checked)


# Joins the tokens of ``token_vocabulary``'s one row: a control character, which no name
# token keeps (``core.text.fold`` drops them).
_JOIN = "\x1f"


def token_vocabulary() -> list[str]:
    """Every distinct stored party token but identifier keys (``#``: most of the tokens at a
    million parties, and looked up directly by the few keys a list entry carries), sorted.

    One row comes back, the tokens joined, as with ``token_sync_state``: the delta screening
    reads this on a thread beside the index build."""
    table = connection.ops.quote_name(PartyToken._meta.db_table)
    if connection.vendor == "sqlite":
        # Two ranges of the token index in its binary order skip the keys without reading
        # them; a LIKE filter would read all of them (0.4 s against 0.8 s at 1M parties).
        sql = (
            "SELECT group_concat(token, char(31)) FROM ("
            f"SELECT DISTINCT token FROM {table} WHERE token < '#' UNION ALL "
            f"SELECT DISTINCT token FROM {table} WHERE token >= '$')"
        )
    else:
        # Under a language collation '#' does not sort apart; LIKE does not depend on it.
        sql = (
            "SELECT string_agg(token, chr(31)) FROM "
            f"(SELECT DISTINCT token FROM {table} WHERE token NOT LIKE '#%%') t"
        )
    with connection.cursor() as cur:
        cur.execute(sql, [])
        (joined,) = cur.fetchone()
    return sorted(joined.split(_JOIN)) if joined else []


def parties_with_tokens(tokens: Iterable[str], person: bool | None = None) -> list[int]:
    """Parties with at least one of ``tokens`` stored (only persons, only organisations, or
    both), by id."""
    wanted = sorted(tokens)
    qs = PartyToken.objects.all() if person is None else PartyToken.objects.filter(person=person)
    found: set[int] = set()
    for i in range(0, len(wanted), 900):
        found.update(qs.filter(token__in=wanted[i : i + 900]).values_list("party_id", flat=True))
    return sorted(found)
