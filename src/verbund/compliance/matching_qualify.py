"""Qualifiers of a screening match (decision 0008): a person's birth date and the country move
a name's score only when both the party and the list entry have them.

Each qualifier says its ``kind``, its ``effect`` on the score (or "match"), ``detail`` as one
line of text (ISO dates and country codes, for the API and reports), and the values compared:
``party`` (the party's date or country code) and, where they differ, ``listed`` (the entry's
birth dates, at most three, or its countries) with their ``relation`` ("~" a year apart, "≠",
"∉"), which the hit page shows as dates and country names in the reader's language."""

from typing import TYPE_CHECKING, Any

from verbund.compliance.matching_text import PERSON

if TYPE_CHECKING:
    from verbund.compliance.matching import EntryRecord, Query


def qualify(
    score: float, query: "Query", entry: "EntryRecord"
) -> tuple[float, list[dict[str, Any]]]:
    quals: list[dict[str, Any]] = []
    if query.kind == PERSON and query.birth_date and entry.birth_dates:
        iso = query.birth_date.isoformat()
        year = iso[:4]
        if iso in entry.birth_dates:
            quals.append({"kind": "birth_date", "effect": 0.08, "detail": iso, "party": iso})
        elif any(d[:4] == year for d in entry.birth_dates):
            exact = [d for d in entry.birth_dates if len(d) == 10 and d[:4] == year]
            quals.append(
                {
                    "kind": "birth_date",
                    "effect": 0.0 if exact else 0.04,
                    "detail": year,
                    "party": year,
                }
            )
        elif any(d[:4].isdigit() and abs(int(d[:4]) - int(year)) <= 1 for d in entry.birth_dates):
            quals.append(
                {
                    "kind": "birth_date",
                    "effect": -0.05,
                    "detail": f"{iso} ~ {', '.join(entry.birth_dates[:3])}",
                    "relation": "~",
                    "party": iso,
                    "listed": list(entry.birth_dates[:3]),
                }
            )
        else:
            quals.append(
                {
                    "kind": "birth_date",
                    "effect": -0.3,
                    "detail": f"{iso} ≠ {', '.join(entry.birth_dates[:3])}",
                    "relation": "≠",
                    "party": iso,
                    "listed": list(entry.birth_dates[:3]),
                }
            )
    if query.country and entry.countries:
        if query.country in entry.countries:
            quals.append(
                {"kind": "country", "effect": 0.03, "detail": query.country, "party": query.country}
            )
        else:
            quals.append(
                {
                    "kind": "country",
                    "effect": -0.1,
                    "detail": f"{query.country} ∉ {', '.join(sorted(entry.countries))}",
                    "relation": "∉",
                    "party": query.country,
                    "listed": sorted(entry.countries),
                }
            )
    for q in quals:
        score += q["effect"]
    return max(0.0, min(1.0, score)), quals
