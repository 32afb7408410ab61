"""Reads of parties shared by the UI, API and CLI; above all the one party text search.

``text_search`` is what "a party matches this text" means: the party list's ``q`` (UI and
API) and the hierarchy view's tree search (restricted to the tree's members) call it.
``search_parties`` ranks for the start page and the type-ahead, tolerant of typos and ä/ae
spellings: a bounded candidate set is gathered with index-friendly queries (exact numbers,
Kölner Phonetik prefix ranges, city) plus one bounded substring query under a time budget
(the word condition of ``text_search``); rapidfuzz then ranks the candidates. Nothing here
scores the whole table.
"""

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress

from django.core.exceptions import ValidationError
from django.db import OperationalError, connection
from django.db.models import Q, QuerySet
from rapidfuzz import fuzz

from verbund.core.text import fold, koelner_phonetik
from verbund.parties.actions import resolve_party
from verbund.parties.models import Party

CANDIDATES_PER_QUERY = 200
GOOD_SCORE = 85
SCAN_BUDGET_S = 0.3
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


@contextmanager
def _time_budget(seconds: float) -> Iterator[None]:
    """On SQLite, interrupt the statement running past ``seconds`` (OperationalError), so a
    live search never blocks on a full scan. Other databases run the statement as is."""
    raw = getattr(connection, "connection", None)
    if connection.vendor != "sqlite" or raw is None:
        yield
        return
    deadline = time.monotonic() + seconds
    raw.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
    try:
        yield
    finally:
        raw.set_progress_handler(None, 0)


def _base(exclude: Iterable[int] = ()) -> QuerySet[Party]:
    # Merged records are dropped in Python: "merged_into IS NULL" in SQL lures SQLite onto the
    # merged_into index (nearly every row) instead of the selective one. No ORDER BY either.
    qs = Party.objects.only(*LIST_FIELDS).order_by()
    ids = list(exclude)
    if ids:
        qs = qs.exclude(pk__in=ids)
    return qs


def _prefix(qs: QuerySet[Party], field: str, prefix: str) -> QuerySet[Party]:
    # A range instead of LIKE 'x%' so both SQLite and PostgreSQL use the B-tree index.
    return qs.filter(**{f"{field}__gte": prefix, f"{field}__lt": prefix + "~"})


def _words(query: str) -> Q | None:
    """Every word of the folded query in the search text; None without words."""
    words = fold(query).split()
    if not words:
        return None
    match = Q()
    for word in words:
        match &= Q(search_text__contains=word)
    return match


def text_search(qs: QuerySet[Party], query: str) -> QuerySet[Party]:
    """The parties of ``qs`` matching the text ``query``: every word of the folded query occurs
    in the party's search text (names, number, city, postcode, VAT id; case, accents and ä/ae
    folded), or the Kölner Phonetik code of the query begins the party's name code (so "Muller"
    finds "Müller"). A query without words leaves ``qs`` as it is.

    Not ranked and not limited: callers order and page (the party list by keyset, the tree
    search by name). The word condition reads every row of ``qs``: restrict ``qs`` first
    where a smaller set is meant.
    """
    match = _words(query)
    if match is None:
        return qs
    code = koelner_phonetik(query)
    if code:
        # A range instead of LIKE 'x%' so both SQLite and PostgreSQL can use the B-tree index.
        match |= Q(phonetic__gte=code, phonetic__lt=code + "~")
    return qs.filter(match)


def search_parties(query: str, *, limit: int = 20, exclude: Iterable[int] = ()) -> list[Party]:
    """The parties best matching ``query`` (name, number, city, VAT id), best first, at most
    ``limit``; merged records never. The substring stage runs only when the index-backed
    sources found fewer than ``limit`` good matches, and stops after ``SCAN_BUDGET_S`` on
    SQLite (then what the index-backed sources found is ranked)."""
    raw = (query or "").strip()
    folded = fold(raw)
    if not folded:
        return []
    base = _base(exclude)
    found: dict[int, Party] = {}
    exact: set[int] = set()

    def take(qs: QuerySet[Party], mark_exact: bool = False) -> None:
        for p in qs[:CANDIDATES_PER_QUERY]:
            if p.merged_into_id:
                continue
            found.setdefault(p.pk, p)
            if mark_exact:
                exact.add(p.pk)

    compact = raw.replace(" ", "").upper()
    take(base.filter(Q(number=raw) | Q(vat_id=compact)), mark_exact=True)
    code = koelner_phonetik(raw)
    if code:
        take(_prefix(base, "phonetic", code))
        first = code.split()[0]
        if first != code and len(found) < CANDIDATES_PER_QUERY:
            take(_prefix(base, "phonetic", first))
    if raw[:1].isalpha():
        take(base.filter(city__in={raw, raw.title()}))

    def score(p: Party) -> float:
        if p.pk in exact:
            return 200.0
        name = fold(p.display_name)
        return max(
            fuzz.WRatio(folded, name),
            fuzz.token_set_ratio(folded, p.search_text) * 0.95,
            fuzz.partial_ratio(folded, p.search_text) * 0.9 if len(folded) >= 4 else 0,
        )

    scores = {pk: score(p) for pk, p in found.items()}
    # The substring scan reads the whole table (~0.3-0.8 s at a million rows); it runs only
    # when the index-backed sources did not already give a full page of good matches.
    if len(folded) >= 3 and sum(1 for s in scores.values() if s >= GOOD_SCORE) < limit:
        # Words only: the phonetic matches came from the index above, and a scan stopping
        # after CANDIDATES_PER_QUERY rows must not fill up with them again.
        text_qs = base.filter(_words(raw) or Q())
        # Over budget: rank what the index-backed sources found.
        with _time_budget(SCAN_BUDGET_S), suppress(OperationalError):
            take(text_qs)
        scores.update({pk: score(p) for pk, p in found.items() if pk not in scores})
    ranked = sorted(
        ((scores[pk], p.display_name, p) for pk, p in found.items()), key=lambda t: (-t[0], t[1])
    )
    return [p for s, _, p in ranked if s >= 55][:limit]


def find_party(reference: str, field: str) -> Party:
    """A party by id, number or ERP key ``SOURCE:ID`` (merged records lead to the survivor),
    for commands and other input naming a party; an unknown reference is a ValidationError
    naming ``field``."""
    try:
        return resolve_party(reference)
    except Party.DoesNotExist as exc:
        raise ValidationError({field: [str(exc)]}) from None
