"""A hit's explanation as a reviewer reads it (the hit page).

The engine explains a match in the words it compares: canonical spellings ("yusuf" for
"Youssef", "bibi" for the short form of "Benjamin"), in the order it paired them, qualifiers
with ISO dates and country codes. The stored explanation stays that way (the API and the
reports give it as it is); this module writes it in the names as the party and the list write
them, in the party's word order, with dates and countries in the reader's language.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from verbund.compliance.matching_nicknames import other_forms
from verbund.compliance.matching_text import canon_token, name_tokens
from verbund.core.countries import country_name
from verbund.core.formatting import format_date, format_number


@dataclass(frozen=True)
class Compared:
    """One pair of compared words: the party's and the list's as written, their similarity."""

    party: str
    listed: str
    similarity: float


def _written(name: str, organisation: bool) -> dict[str, tuple[int, str]]:
    """Each word of ``name`` as the engine reads it, folded and in canonical spelling (the
    explanation holds the party's folded words and the list's canonical ones) -> (position,
    the written word it comes from); the first written word that gives it wins."""
    out: dict[str, tuple[int, str]] = {}
    for pos, word in enumerate(name.split()):
        shown = word.strip(",;:()[]\"'")
        for tok in name_tokens(word, organisation):
            out.setdefault(tok, (pos, shown or word))
            out.setdefault(canon_token(tok), (pos, shown or word))
    return out


def _listed_word(word: str, written: dict[str, tuple[int, str]], short_form: bool) -> str:
    if word in written:
        return written[word][1]
    if short_form:
        # The list writes the full given name; the engine compared one of its other forms.
        for canon, (_pos, shown) in written.items():
            if word in {canon_token(f) for f in other_forms(canon)}:
                return shown
    return word


def compared(explanation: dict[str, Any] | None, organisation: bool) -> list[Compared]:
    """The explanation's word pairs in the written words of the party's name (``query``) and
    the list's (``matched_name``), in the order of the party's name; a word the written name
    does not give (a joined reading, a number word) shows as the engine compared it."""
    if not explanation:
        return []
    party = _written(str(explanation.get("query") or ""), organisation)
    listed = _written(str(explanation.get("matched_name") or ""), organisation)
    short_form = bool(explanation.get("short_form"))
    rows: list[tuple[int, int, Compared]] = []
    for k, pair in enumerate(explanation.get("tokens") or []):
        if not isinstance(pair, list | tuple) or len(pair) != 3:
            continue
        q, c, sim = str(pair[0]), str(pair[1]), pair[2]
        pos, shown = party.get(q, (len(party) + k, q))
        try:
            similarity = float(sim)
        except (TypeError, ValueError):
            continue
        rows.append((pos, k, Compared(shown, _listed_word(c, listed, short_form), similarity)))
    return [row for _pos, _k, row in sorted(rows, key=lambda r: (r[0], r[1]))]


def birth_date_text(value: str) -> str:
    """A list's or party's birth date as the reader writes it: a full date as a date
    ("01.03.1970"), a month by its name ("März 1970"), a year as it is."""
    if len(value) == 10:
        return format_date(value)
    if len(value) == 7 and value[4] == "-":
        try:
            month = dt.date.fromisoformat(value + "-01")
        except ValueError:
            return value
        return formats.date_format(month, "YEAR_MONTH_FORMAT", use_l10n=True)
    return value


def _values(kind: str, values: list[str]) -> str:
    if kind == "birth_date":
        return ", ".join(birth_date_text(v) for v in values)
    return ", ".join(country_name(v) for v in values)


def qualifiers(explanation: dict[str, Any] | None) -> list[dict[str, str]]:
    """The qualifiers of a hit: what was compared (dates and countries in the reader's
    language, "A ≠ B" where they conflict) and the effect on the score ("+0,03", "-0,30" with a minus sign, "±0,00",
    "matches"). A qualifier stored before it carried its values shows its ``detail``."""
    labels = {
        "identifier": _("identifier"),
        "birth_date": _("date of birth"),
        "country": _("country"),
    }
    out = []
    for q in (explanation or {}).get("qualifiers", []):
        kind = str(q.get("kind", ""))
        effect = q.get("effect", 0)
        detail = str(q.get("detail", ""))
        if "party" in q and kind in ("birth_date", "country"):
            detail = _values(kind, [str(q["party"])])
            if q.get("listed"):
                relation = str(q.get("relation") or "≠")
                detail = f"{detail} {relation} {_values(kind, [str(v) for v in q['listed']])}"
        if effect == "match":
            shown = _("matches")
        else:
            number = format_number(abs(float(effect)), 2)
            value = float(effect)
            shown = ("\u2212" if value < 0 else "+" if value > 0 else "±") + number
        out.append({"label": labels.get(kind, kind), "detail": detail, "effect": shown})
    return out
