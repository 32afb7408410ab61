"""Reads of parties shared by the UI, API and CLI; above all the one party text search.

``text_search`` is what "a party matches this text" means: the party list's ``q`` (UI and
API) and the hierarchy view's tree search (restricted to the tree's members) call it.
``search_parties`` ranks for the start page and the type-ahead, tolerant of typos and ä/ae
spellings: a bounded candidate set is gathered with index-friendly queries (exact numbers,
Kölner Phonetik prefix ranges, city) plus one bounded substring query under a time budget
(the word condition of ``text_search``); rapidfuzz then ranks the candidates. Nothing here
scores the whole table.
"""

from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.db.models import Count, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy
from rapidfuzz import fuzz
from rapidfuzz.process import extractOne

from verbund.core.paging import time_budget
from verbund.core.prepared import Prepared
from verbund.core.serializers_fast import PREFETCHED
from verbund.core.text import fold, koelner_phonetik
from verbund.parties import rules
from verbund.parties.actions import resolve_party
from verbund.parties.models import Party, Tag, display_name_of

CANDIDATES_PER_QUERY = 200
GOOD_SCORE = 85
MIN_SCORE = 55
# Up to this many rows the substring scan costs a few dozen milliseconds.
SMALL_TABLE = 100_000
SCAN_BUDGET_S = 0.3
# Up to this many query words, one of three or more may miss (see text_search).
MAX_TOLERANT_WORDS = 6
# A query word this long matches inside a word of the search text; a shorter one only at a
# word's start: pg_trgm's indexes cannot answer "contains" for it (decision 0045).
MIN_INNER = 3
LIST_FIELDS = (
    "id",
    "kind",
    "number",
    "name",
    "first_name",
    "last_name",
    "title",
    "city",
    "postcode",
    "country",
    "vat_id",
    "status",
    "search_text",
    "archived",
    "merged_into",
)


# The 404 of a page whose party is not there (a deleted or mistyped id).
NO_SUCH_PARTY = gettext_lazy("No such party.")
_LISTED = Prepared(lambda pk: Party.objects.only(*LIST_FIELDS).filter(pk=pk), pk=int)


def forwarded(reference: str) -> Party | None:
    """The party a merged record's number or ERP key (``SOURCE:ID``) leads to now, None when
    no merged record has it: a search for the number of a record merged away finds where it
    went (merged records stay as forwards, ``resolve_party``)."""
    ref = reference.strip()
    if not ref or " " in ref:
        return None
    source, sep, external = ref.partition(":")
    holds = Q(number=ref) | (Q(erp_source=source, erp_id=external) if sep else Q(pk__in=[]))
    if not Party.objects.filter(holds, merged_into__isnull=False).exists():
        return None
    with suppress(Party.DoesNotExist):
        return resolve_party(ref)
    return None


def listed_party(pk: int) -> Party | None:
    """The party with its list fields only (``LIST_FIELDS``), or None; compiled once, as
    pages ask it on every request (core/prepared.py)."""
    found = _LISTED(pk=pk)
    return found[0] if found else None


def survivors(parties: Iterable[Party]) -> dict[int, Party]:
    """The parties the merged records among ``parties`` were merged into, by id: one query,
    none when no record is merged."""
    ids = {p.merged_into_id for p in parties if p.merged_into_id}
    if not ids:
        return {}
    return {p.pk: p for p in Party.objects.only(*LIST_FIELDS).filter(pk__in=ids)}


def with_tags(qs: QuerySet[Party]) -> QuerySet[Party]:
    """``qs`` with each party's tags loaded in one query, as the list the API's serializers
    read (``core.serializers_fast.PREFETCHED``). Django's ``prefetch_related("tags")`` builds a
    filtered queryset per party to hold them: a fifth of the API list's CPU."""
    return qs.prefetch_related(Prefetch("tags", to_attr=PREFETCHED + "tags"))


def _base(exclude: Iterable[int] = ()) -> QuerySet[Party]:
    # Merged records are dropped in Python: "merged_into IS NULL" in SQL lures SQLite onto the
    # merged_into index (nearly every row) instead of the selective one. No ORDER BY either.
    qs = Party.objects.only(*LIST_FIELDS).order_by()
    ids = list(exclude)
    if ids:
        qs = qs.exclude(pk__in=ids)
    return qs


def _in_text(word: str, indexed: bool = True) -> Q:
    """One folded query word in the search text: anywhere in it from ``MIN_INNER`` letters on;
    a shorter word as the beginning of a word of it ("ag" finds "Müller AG" and "Agrar
    Nord", not "Wagner"). ``indexed=False`` asks for the short word's condition in a form no
    index answers (the same rows)."""
    if len(word) >= MIN_INNER:
        return Q(search_text__contains=word)
    if not indexed:
        # Beside a longer word, whose trigrams find few rows: the short word's own trigrams
        # ("  a" is in every word beginning with "a") cost the planner's bitmap AND 80 ms at
        # a million parties, where checking the longer word's rows costs nothing.
        return Q(_spaced_text__contains=" " + word)
    # The text's words are single-space separated (core.text.fold), so "begins a word" is
    # these two patterns, whose word start gives pg_trgm a trigram ("  a", " ag") where
    # '%ag%' gives none and the search read the whole table (decision 0045).
    return Q(search_text__startswith=word) | Q(search_text__contains=" " + word)


def _words(query: str) -> Q | None:
    """Every word of the folded query in the search text (``_in_text``); None without
    words."""
    words = fold(query).split()
    if not words:
        return None
    match = Q()
    for word in words:
        match &= _in_text(word)
    return match


def word_search(qs: QuerySet[Party], query: str) -> QuerySet[Party]:
    """The parties of ``qs`` whose folded search text holds every word of ``query`` (the API's
    ``search=``: plain words, without the typos and sounds ``text_search`` allows)."""
    match = _words(query)
    return qs if match is None else qs.filter(match)


def _word_match(word: str, indexed: bool = True) -> Q:
    """One folded query word: in the search text (``_in_text``), or sounding like a word of
    the name (its Kölner Phonetik code is one of the name's word codes: "tanus" finds
    "Taunus")."""
    match = _in_text(word, indexed)
    code = koelner_phonetik(word)
    if len(code) >= 2:
        # The codes are space-separated; a word code is the first, an inner or the last one.
        match |= (
            Q(phonetic=code)
            | Q(phonetic__startswith=code + " ")
            | Q(phonetic__contains=f" {code} ")
            | Q(phonetic__endswith=" " + code)
        )
    return match


def text_search(qs: QuerySet[Party], query: str) -> QuerySet[Party]:
    """The parties of ``qs`` matching the text ``query``: every word of the folded query occurs
    in the party's search text (names, number, city, postcode, VAT id; case, accents and ä/ae
    folded) or sounds like a word of the name (Kölner Phonetik: "Tanus" finds "Taunus"); of
    three to ``MAX_TOLERANT_WORDS`` words one may miss (a typo: "Tanus Sofware Koeln" finds
    "Taunus Software Köln GmbH & Co. KG"). Or, for a query of ``MIN_INNER`` letters or more,
    the Kölner Phonetik code of the query begins the party's name code (so "Muller Handl"
    finds "Müller Handel"). A query without words leaves ``qs`` as it is.

    Not ranked and not limited: callers order and page (the party list by keyset, the tree
    search by name). On SQLite the word condition reads every row of ``qs``: restrict ``qs``
    first where a smaller set is meant. On PostgreSQL trigram indexes on ``search_text`` and
    ``phonetic`` answer it (migration 0008, decision 0043), for words of three letters or more.
    """
    words = list(dict.fromkeys(fold(query).split()))
    if not words:
        return qs
    tolerant = 3 <= len(words) <= MAX_TOLERANT_WORDS
    # Short words go unindexed where every branch below keeps a longer word to find its rows
    # by (a tolerant query may miss one word, so there it takes two).
    longer = sum(len(w) >= MIN_INNER for w in words)
    short_indexed = longer < (2 if tolerant else 1)
    each = [_word_match(w, short_indexed) for w in words]
    match = Q()
    for m in each:
        match &= m
    if tolerant:
        for skip in range(len(words)):
            rest = Q()
            for i, m in enumerate(each):
                if i != skip:
                    rest &= m
            match |= rest
    # The sound of a query of fewer letters than MIN_INNER begins thousands of names that
    # share no letter with it ("xq" is "48", as "Sigma ..." is), so it says nothing there.
    code = koelner_phonetik(query) if sum(map(len, words)) >= MIN_INNER else ""
    if code:
        # A range instead of LIKE 'x%' so both SQLite and PostgreSQL can use the B-tree index.
        match |= Q(phonetic__gte=code, phonetic__lt=code + "~")
    if not short_indexed:
        qs = qs.alias(_spaced_text=Concat(Value(" "), "search_text"))
    return qs.filter(match)


def search_parties(query: str, *, limit: int = 20, exclude: Iterable[int] = ()) -> list[Party]:
    """The parties best matching ``query`` (name, number, city, VAT id), best first, at most
    ``limit``; merged records never (the first page of ``ranked_search``)."""
    return ranked_search(query, exclude=exclude, want=limit).page(0, limit)


class Ranked:
    """A ranked search: ``ids`` best first; ``capped`` when a candidate source stopped at its
    limit (there may be more matches than ``ids`` holds). ``page`` loads the parties shown."""

    def __init__(self, ids: list[int], capped: bool) -> None:
        self.ids = ids
        self.capped = capped

    def __len__(self) -> int:
        return len(self.ids)

    def page(self, start: int, stop: int) -> list[Party]:
        wanted = self.ids[start:stop]
        by_id = Party.objects.only(*LIST_FIELDS).in_bulk(wanted)
        return [by_id[pk] for pk in wanted if pk in by_id]


# What ranking reads of a candidate: no model instances for the hundreds not shown.
_RANK_FIELDS = (
    "id", "kind", "name", "title", "first_name", "last_name", "search_text", "merged_into_id"
)  # fmt: skip


def _rank_rows(exclude: Iterable[int] = ()) -> QuerySet[Party, tuple[Any, ...]]:
    return _base(exclude).values_list(*_RANK_FIELDS)


class _Source:
    """One index-backed candidate source of ``ranked_search``: ``build(rows, **values)``
    narrows the ranking rows. As the search runs on every key the user types, it runs compiled
    once (core/prepared.py) unless parties are excluded (the picker's list varies)."""

    def __init__(self, build: Callable[..., QuerySet[Party, Any]], **types: type) -> None:
        self.build = build
        self.prepared: Prepared[tuple[Any, ...]] = Prepared(
            lambda **values: build(_rank_rows(), **values)[:CANDIDATES_PER_QUERY], **types
        )

    def __call__(self, exclude: list[int], **values: Any) -> list[tuple[Any, ...]]:
        if exclude:
            return list(self.build(_rank_rows(exclude), **values)[:CANDIDATES_PER_QUERY])
        return self.prepared(**values)


_EXACT = _Source(
    lambda rows, number, vat_id: rows.filter(Q(number=number) | Q(vat_id=vat_id)),
    number=str,
    vat_id=str,
)
# A range instead of LIKE 'x%' so both SQLite and PostgreSQL use the B-tree index.
_PHONETIC = _Source(
    lambda rows, low, high: rows.filter(phonetic__gte=low, phonetic__lt=high), low=str, high=str
)
_CITY = _Source(
    lambda rows, city, titled: rows.filter(city__in=[city, titled]), city=str, titled=str
)


def ranked_search(query: str, *, exclude: Iterable[int] = (), want: int = 20) -> Ranked:
    """Every candidate matching ``query`` well enough, best first, tolerant of typos and ä/ae
    spellings. Candidates come from index ranges: exact number or VAT id; the Kölner Phonetik
    code of the whole query, of each pair of words (the second one by its first two sounds,
    then its first, so a typo further in still lands in a range: "Tanus Sofware" reads the
    "268 83" range and meets "Taunus Software") and of each word; the city. The substring
    scan (the word condition of ``text_search``) runs only when these found fewer than
    ``want`` good matches and either none at all or the table is small (``SMALL_TABLE``),
    and stops after ``SCAN_BUDGET_S`` (``core.paging.time_budget``, on both databases): a
    live search at a million rows stays on the indexes (on PostgreSQL the scan has its
    trigram indexes; on SQLite it reads the table)."""
    raw = (query or "").strip()
    folded = fold(raw)
    if not folded:
        return Ranked([], False)
    excluded = list(exclude)
    found: dict[int, tuple[Any, ...]] = {}
    exact: set[int] = set()
    capped = False

    def take(rows: list[tuple[Any, ...]], mark_exact: bool = False) -> None:
        nonlocal capped
        capped = capped or len(rows) >= CANDIDATES_PER_QUERY
        for row in rows:
            if row[7]:
                continue  # merged
            found.setdefault(row[0], row)
            if mark_exact:
                exact.add(row[0])

    compact = raw.replace(" ", "").upper()
    take(_EXACT(excluded, number=raw, vat_id=compact), mark_exact=True)
    prefixes, singles = phonetic_ranges(raw)
    for prefix in prefixes:
        take(_PHONETIC(excluded, low=prefix, high=prefix + "~"))
    if len(found) < CANDIDATES_PER_QUERY:
        # A name whose first word is misspelt: its other words, alone.
        for prefix in singles:
            take(_PHONETIC(excluded, low=prefix, high=prefix + "~"))
    if raw[:1].isalpha():
        take(_CITY(excluded, city=raw, titled=raw.title()))
    words = folded.split()

    def score(row: tuple[Any, ...]) -> float:
        pk, kind, name, title, first_name, last_name, text, _merged = row
        if pk in exact:
            return 200.0
        name = display_name_of(kind, name, title, first_name, last_name)
        return max(
            _coverage(words, text),
            fuzz.WRatio(folded, fold(name)),
            fuzz.token_set_ratio(folded, text) * 0.95,
        )

    scores = {pk: score(row) for pk, row in found.items()}
    good = sum(1 for s in scores.values() if s >= GOOD_SCORE)
    # The substring scan reads the whole table on SQLite (~0.3-0.8 s at a million rows); on
    # PostgreSQL the trigram indexes answer it (1-2 ms), unless every word is under 3 letters.
    if len(folded) >= 3 and good < want and (good == 0 or _small_table()):
        # Words only: the phonetic matches came from the index above, and a scan stopping
        # after CANDIDATES_PER_QUERY rows must not fill up with them again.
        text_qs = _rank_rows(excluded).filter(_words(raw) or Q())
        # Over budget: rank what the index-backed sources found. The budget rolls back its
        # savepoint on PostgreSQL after the suppressed error, too (core.paging.time_budget).
        with time_budget(SCAN_BUDGET_S), suppress(OperationalError):
            take(list(text_qs[:CANDIDATES_PER_QUERY]))
        scores.update({pk: score(row) for pk, row in found.items() if pk not in scores})
    ranked = sorted(
        (pk for pk in scores if scores[pk] >= MIN_SCORE),
        key=lambda pk: (-scores[pk], found[pk][2], pk),
    )
    return Ranked(ranked, capped)


def phonetic_ranges(query: str) -> tuple[list[str], list[str]]:
    """The Kölner Phonetik prefixes ``ranked_search`` reads: the whole query's code and each
    pair of words' (the second by two sounds, then one), then each word's alone."""
    code = koelner_phonetik(query)
    codes = [c for c in code.split() if c]
    prefixes = [code] if code else []
    for first, second in pairwise(codes):
        prefixes += [f"{first} {second[:2]}", f"{first} {second[:1]}"]
    singles = [c for c in codes if len(c) >= 2 and c not in prefixes]
    return list(dict.fromkeys(prefixes)), list(dict.fromkeys(singles))


def _coverage(words: list[str], text: str) -> float:
    """How well every query word is met by some word of ``text`` (0-100, the mean of each
    word's best similarity; the last word may be a prefix, as it is while the user types): a
    typo in each word ("tanus sofware koeln") still scores high against "taunus software ...
    koeln", and the city counts like a name word."""
    pieces = text.split()
    if not pieces or not words:
        return 0.0
    total = 0.0
    for i, word in enumerate(words):
        best = extractOne(word, pieces, scorer=fuzz.ratio)
        value = best[1] if best else 0.0
        if value < 100 and i == len(words) - 1 and len(word) >= 3 and f" {word}" in f" {text}":
            value = 100.0
        total += value
    return total / len(words)


def _small_table() -> bool:
    """Whether a full scan of the party table is cheap (its highest id, from the index)."""
    top = Party.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (top or 0) <= SMALL_TABLE


def find_party(reference: str, field: str) -> Party:
    """A party by id, number or ERP key ``SOURCE:ID`` (merged records lead to the survivor),
    for commands and other input naming a party; an unknown reference is a ValidationError
    naming ``field``."""
    try:
        return resolve_party(reference)
    except Party.DoesNotExist as exc:
        raise ValidationError({field: [str(exc)]}) from None


@dataclass(frozen=True)
class PostcodeFix:
    """A party whose stored postcode ``rules.normal_postcode`` would change, now and then."""

    pk: int
    number: str
    name: str
    archived: bool
    postcode: str
    normal: str


def postcodes_to_normalise() -> list[PostcodeFix]:
    """What ``actions.do_normalise_postcodes`` would change, by id (decision 0059)."""
    rows = rules.postcode_candidates().values_list(
        "pk", "number", "name", "archived", "country", "postcode"
    )
    return [
        PostcodeFix(pk, number, name, archived, postcode, normal)
        for pk, number, name, archived, country, postcode in rows
        if (normal := rules.normal_postcode(country, postcode)) != postcode
    ]


def tags_with_counts() -> QuerySet[Tag]:
    """The tags, each with ``held``: how many parties hold it (merged records, which are
    redirects, not counted), as the list filtered by the tag counts them."""
    return Tag.objects.annotate(held=Count("parties", filter=Q(parties__merged_into__isnull=True)))
