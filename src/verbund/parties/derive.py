"""A party's derived columns: ``search_text`` and ``phonetic``, one derivation for every path.

``parties.actions.derive_fields`` (one party) and the bulk paths (ERP import, demo data, a
million rows) call the same functions, so a party reads the same whichever way it was written.
They give exactly ``core.text.search_key(...)[:500]`` and ``koelner_phonetik(name)[:200]``
(tested, random text included), computed word by word with caches: folding is character-local
and then normalises spaces, so folding each whitespace-separated word and joining the non-empty
results gives the same string, and a million names cost a few dictionary look-ups each.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from verbund.core.text import fold, koelner_phonetik


def person_name(first_name: str, last_name: str) -> str:
    """A person's name line: first and last name."""
    return " ".join(p for p in (first_name, last_name) if p)


def fold_fast(text: str) -> str:
    """``core.text.fold`` computed word by word with its cache."""
    if not text:
        return ""
    if text.isascii() and text.isalnum():
        return text.lower()  # numbers, codes: nothing else to fold
    return " ".join(w for w in map(fold, text.split()) if w)


@lru_cache(maxsize=300_000)
def fold_and_phonetic(text: str) -> tuple[str, str]:
    """``(fold(text), koelner_phonetik(text))`` for one piece of a name, cached."""
    folded = fold_fast(text)
    return folded, " ".join(koelner_phonetik(w) for w in folded.split())


def derive_search_columns(
    name: str,
    name2: str,
    number: str,
    city: str,
    postcode: str,
    vat_id: str,
    *,
    name_parts: Sequence[str] | None = None,
) -> tuple[str, str]:
    """``(search_text, phonetic)`` of a party.

    ``name_parts``: pieces whose space-joined text is ``name`` (e.g. ``("Müller Metallbau",
    "GmbH")``); generators that build names from a small vocabulary pass them so that each
    piece is folded once per load instead of once per row.
    """
    if name_parts is None:
        folded_name, phonetic = _fold_phonetic_words(name)
    else:
        pieces = [fold_and_phonetic(p) for p in name_parts if p]
        folded_name = " ".join(f for f, _ in pieces if f)
        phonetic = " ".join(ph for f, ph in pieces if f)
    # Second name lines and cities repeat: cached whole; numbers and codes fold trivially.
    parts = [
        p
        for p in (
            folded_name,
            fold_and_phonetic(name2)[0],
            fold_fast(number),
            fold_and_phonetic(city)[0],
            fold_fast(postcode),
            fold_fast(vat_id),
        )
        if p
    ]
    return " ".join(parts)[:500], phonetic[:200]


def search_pieces(
    name: str, name2: str, city: str, postcode: str, vat_id: str
) -> tuple[str, str, str]:
    """``derive_search_columns`` before the number is known: ``(before, after, phonetic)``.

    ``search_text_with(before, number, after)`` completes the search text; for row
    preparation that runs before numbers are handed out (another process, say).
    """
    folded_name, phonetic = _fold_phonetic_words(name)
    before = " ".join(p for p in (folded_name, fold_and_phonetic(name2)[0]) if p)
    after = " ".join(
        p for p in (fold_and_phonetic(city)[0], fold_fast(postcode), fold_fast(vat_id)) if p
    )
    return before, after, phonetic[:200]


def search_text_with(before: str, number: str, after: str) -> str:
    # Once per created party: spelled out rather than a join over a generator.
    text = number if number.isdigit() else fold_fast(number)
    if before:
        text = f"{before} {text}" if text else before
    if after:
        text = f"{text} {after}" if text else after
    return text[:500]


# Whitespace-free piece of a name -> (folded, its phonetic codes), for whole names that rarely
# repeat but whose words do. A plain dict: one look-up per word is what makes it pay.
_WORDS: dict[str, tuple[str, str]] = {}
_WORDS_LIMIT = 500_000


def _word(word: str) -> tuple[str, str]:
    folded = word.lower() if word.isascii() and word.isalnum() else fold(word)
    got = (folded, " ".join(koelner_phonetik(w) for w in folded.split()))
    if len(_WORDS) >= _WORDS_LIMIT:
        _WORDS.clear()
    _WORDS[word] = got
    return got


def _fold_phonetic_words(text: str) -> tuple[str, str]:
    """``(fold_fast(text), phonetic)`` word by word: folding and the codes work per word."""
    if not text:
        return "", ""
    get = _WORDS.get
    pieces = [get(w) or _word(w) for w in text.split()]
    return " ".join(f for f, _ in pieces if f), " ".join(ph for f, ph in pieces if f)
