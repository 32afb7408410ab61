"""A folded query word found in a text column as people typed it, in SQL, without folding the
column: for columns that have no stored folded copy (a person's title and position).

A word is folded as ``core.text.fold`` folds (lower case, "ä" as "ae", "ß" as "ss", accents
dropped). It is found in a text when some spelling of it is there, case aside:

- each letter as itself or as a letter of Latin-1 (German, French, Spanish, the Nordic
  languages...) that folds to it with its marks dropped ("e" finds "é", "a" finds "ä":
  "Geschaftsfuhrer" finds "Geschäftsführer", as people type on a phone);
- each "ae", "oe", "ue" and "ss" of the word as those two letters or as the one letter that
  folds to them ("geschaeftsfuehrer" finds "Geschäftsführer", "strasse" finds "Straße"); in
  a run of "s" any "ss" ("sss" finds "sß" and "ßs").

From ``MIN_INNER`` letters a word is found anywhere, a shorter one where a word of the text
begins (after a space or a sign, ``_BEFORE_WORD``: "qu" finds "Einkauf/Qualität"), as the
party search reads its folded text.

In SQL a cheap LIKE comes first (``like_filter``: each letter that has other spellings
stands as "_", each letter pair as "%"), which lets through the texts that may hold the
word; those are then matched exactly: with LIKE for a word without such letters
(``like_exact``), else on SQLite with GLOB, one pattern per way to read the
word's letter pairs (at most ``2 ** MAX_PAIRS``), on PostgreSQL with one regular
expression. Every row read once by LIKE (in C, no faster without the filter), a few by the
rest: folding the column in SQL (a chain of replace() calls on SQLite, or a Python function
per row) made the contact search half as long again.
"""

import itertools
import re
from functools import lru_cache

from verbund.core.text import fold
from verbund.parties.selectors import MIN_INNER

MAX_PAIRS = 3  # letter pairs read both ways; those after them are read as two letters


def _letters() -> tuple[dict[str, str], dict[str, str]]:
    """Per folded letter the letters that fold to it (both cases), and per letter pair the
    single letters that fold to it ("ae": "ÄÆäæ"), from ASCII and Latin-1."""
    single: dict[str, set[str]] = {}
    pairs: dict[str, set[str]] = {}
    for code in [*range(ord("a"), ord("z") + 1), *range(0xC0, 0x100)]:
        for ch in {chr(code), chr(code).upper()}:
            if len(ch) != 1 or not ch.isalpha() or (code >= 0xC0 and ord(ch) > 0xFF):
                continue
            folded = fold(ch)
            if folded in ("ae", "oe", "ue", "ss"):
                pairs.setdefault(folded, set()).add(ch)
            elif len(folded) == 1 and folded.isascii() and folded.isalpha():
                single.setdefault(folded, set()).add(ch)
    # "ä" is also an "a" whose marks were dropped ("Geschaftsfuhrer" for "Geschäftsführer").
    for pair, base in (("ae", "a"), ("oe", "o"), ("ue", "u")):
        single[base] |= {ch for ch in pairs[pair] if ch.lower() in "äöü"}
    return (
        {k: "".join(sorted(v)) for k, v in single.items()},
        {k: "".join(sorted(v)) for k, v in pairs.items()},
    )


LETTERS, PAIRS = _letters()
# Letters with another spelling: "_" in the LIKE filter.
_SPELLED = {k for k, v in LETTERS.items() if len(v) > 2}
# What may stand before a word that begins there besides the text's start: the space and the
# signs that join words in a title or position ("Dr.-Ing.", "Einkauf/Vertrieb"). One pattern
# per sign: after "*" (or "%") a plain character is searched for in one step, where a set is
# tried at every character ("*[ /.(-]h*" made a short word's search half as long again).
_BEFORE_WORD = " /-."


Place = str | tuple[str, ...]


def _run_readings(length: int) -> tuple[tuple[str, ...], ...]:
    """A run of ``length`` "s" as a text may write it: each "ss" in it as "ss" or "ß", at any
    place ("sss" is "sss", "ßs" or "sß")."""
    if length <= 1:
        return (("s",) * length,)
    return tuple(
        [("s", *rest) for rest in _run_readings(length - 1)]
        + [("ß", *rest) for rest in _run_readings(length - 2)]
    )


def _pairs_in(place: Place) -> int:
    return (
        len(place) // 2
        if isinstance(place, tuple) and place[0] == "ss"
        else int(isinstance(place, tuple))
    )


def _places(word: str) -> list[Place]:
    """The word's places: a letter, another character, a letter pair ("ae", "oe", "ue") or a
    run of "s" (``("ss", "s", ...)``, one entry per letter, read by ``_run_readings``); as
    letter pairs only the first ``MAX_PAIRS`` (a run of n "s" counts n // 2): the rest are
    letters."""
    out: list[Place] = []
    i = 0
    while i < len(word):
        used = sum(_pairs_in(p) for p in out)
        if word[i] == "s":
            run = len(word[i:]) - len(word[i:].lstrip("s"))
            if run >= 2 and used + run // 2 <= MAX_PAIRS:
                out.append(("ss", *("s",) * (run - 1)))
                i += run
                continue
        pair = word[i : i + 2]
        if pair in PAIRS and pair != "ss" and used < MAX_PAIRS:
            out.append((pair[0], pair[1]))
            i += 2
        else:
            out.append(word[i])
            i += 1
    return out


def _is_run(place: Place) -> bool:
    return isinstance(place, tuple) and place[0] == "ss"


def _run_texts(place: tuple[str, ...], letter: str, sharp: str) -> list[str]:
    """A run's readings, with ``letter`` for an "s" and ``sharp`` for an "ß"."""
    return [
        "".join(letter if t == "s" else sharp for t in reading)
        for reading in _run_readings(len(place))
    ]


def _starts(word: str) -> tuple[str, ...]:
    """What may come before the word: anything, or for a short word nothing or a sign."""
    return ("*",) if len(word) >= MIN_INNER else ("", *(f"*{ch}" for ch in _BEFORE_WORD))


def _like_body(word: str) -> str:
    return "".join(
        "%" if isinstance(p, tuple) else "_" if p in _SPELLED else p.replace("_", "\\_")
        for p in _places(word)
    )


@lru_cache(maxsize=2_000)
def like_filter(word: str) -> str:
    """A LIKE pattern (escape "\\") every text holding the folded ``word`` matches: the word
    with each letter that has other spellings as "_" and each letter pair as "%"."""
    return f"%{_like_body(word)}%"


@lru_cache(maxsize=2_000)
def like_exact(word: str) -> tuple[str, ...] | None:
    """For a word without letters that have other spellings or letter pairs, the LIKE
    patterns that decide exactly after ``like_filter`` (LIKE ignores the case of ASCII
    letters itself): none from ``MIN_INNER`` letters, where a word begins for a shorter
    one. None for other words, which need GLOB or the regular expression."""
    if any(isinstance(p, tuple) or p in _SPELLED for p in _places(word)):
        return None
    if len(word) >= MIN_INNER:
        return ()
    return tuple(f"{start.replace('*', '%')}{_like_body(word)}%" for start in _starts(word))


def _glob_letter(ch: str) -> str:
    return f"[{LETTERS[ch]}]" if ch in LETTERS else ch


def _glob_choices(p: Place) -> tuple[str, ...]:
    if _is_run(p):
        assert isinstance(p, tuple)
        return tuple(_run_texts(p, _glob_letter("s"), f"[{PAIRS['ss']}]"))
    if isinstance(p, tuple):
        return (_glob_letter(p[0]) + _glob_letter(p[1]), f"[{PAIRS[p[0] + p[1]]}]")
    return (_glob_letter(p),)


@lru_cache(maxsize=2_000)
def glob_patterns(word: str) -> tuple[str, ...]:
    """SQLite GLOB patterns of which one matches a text holding the folded ``word``."""
    choices = [_glob_choices(p) for p in _places(word)]
    bodies = ["".join(choice) for choice in itertools.product(*choices)]
    return tuple(f"{start}{body}*" for start in _starts(word) for body in bodies)


def _regex_letter(ch: str) -> str:
    return f"[{LETTERS[ch]}]" if ch in LETTERS else re.escape(ch)


def _regex_place(p: Place) -> str:
    if _is_run(p):
        assert isinstance(p, tuple)
        return "(?:" + "|".join(_run_texts(p, _regex_letter("s"), f"[{PAIRS['ss']}]")) + ")"
    if isinstance(p, tuple):
        return f"(?:{_regex_letter(p[0])}{_regex_letter(p[1])}|[{PAIRS[p[0] + p[1]]}])"
    return _regex_letter(p)


@lru_cache(maxsize=2_000)
def regex(word: str) -> str:
    """A PostgreSQL regular expression matching a text holding the folded ``word``."""
    body = "".join(_regex_place(p) for p in _places(word))
    before = _BEFORE_WORD.replace("-", "") + "-"  # last: no range in a bracket expression
    return body if len(word) >= MIN_INNER else f"(?:^|[{before}]){body}"
