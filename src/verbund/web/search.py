"""Party search for the start page and the type-ahead: tolerant of typos and ä/ae spellings.

A bounded candidate set is gathered with index-friendly queries (exact numbers, Kölner
Phonetik prefix ranges, city) plus one bounded substring query on the folded search text;
rapidfuzz then ranks the candidates. Nothing here scores the whole table.
"""

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from rapidfuzz import fuzz

from verbund.core.text import fold, koelner_phonetik
from verbund.parties.models import Party

CANDIDATES_PER_QUERY = 200
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
)


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


def search_parties(query: str, *, limit: int = 20, exclude: Iterable[int] = ()) -> list[Party]:
    """The parties best matching ``query`` (name, number, city, VAT id), best first."""
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
    words = folded.split()
    if len(folded) >= 3:
        text_qs = base
        for word in words:
            text_qs = text_qs.filter(search_text__contains=word)
        take(text_qs)
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

    ranked = sorted(
        ((score(p), p.display_name, p) for p in found.values()), key=lambda t: (-t[0], t[1])
    )
    return [p for s, _, p in ranked if s >= 55][:limit]
