"""``hierarchies.wordmatch``: a piece of a title or position, typed as it is shown or with the
umlauts spelled out or left off, is found by the SQL patterns, case aside (SQLite here; the
contact search's tests run both databases)."""

import sqlite3

from hypothesis import given, settings
from hypothesis import strategies as st

from verbund.core.text import fold
from verbund.hierarchies import wordmatch

DB = sqlite3.connect(":memory:")
LETTERS = "abcdefghiklmnoprstuvzäöüßéèçñåøAÄÖÜÉ"


def found(text: str, word: str) -> bool:
    """As ``group._card_sql`` asks SQLite: a LIKE sieve, then LIKE or GLOB."""
    exact = wordmatch.like_exact(word)
    sql = "SELECT ? LIKE ? ESCAPE '\\'"
    params = [text, wordmatch.like_filter(word)]
    if exact is None:
        globs = wordmatch.glob_patterns(word)
        sql += " AND (" + " OR ".join(["? GLOB ?"] * len(globs)) + ")"
        params += [v for p in globs for v in (text, p)]
    elif exact:
        sql += " AND (" + " OR ".join(["? LIKE ? ESCAPE '\\'"] * len(exact)) + ")"
        params += [v for p in exact for v in (text, p)]
    return bool(DB.execute(sql, params).fetchone()[0])


def pairs(word: str) -> int:
    """Letter pairs as wordmatch reads them (left to right, not overlapping)."""
    count, i = 0, 0
    while i < len(word):
        step = 2 if word[i : i + 2] in wordmatch.PAIRS else 1
        count, i = count + (step == 2), i + step
    return count


def drop_umlauts(text: str) -> str:
    return text.translate(str.maketrans("äöüÄÖÜ", "aouAOU"))


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(st.text(LETTERS, min_size=1, max_size=9), min_size=1, max_size=3),
    sign=st.sampled_from([" ", "/", "-", ". ", ", "]),
    data=st.data(),
)
def test_a_piece_of_the_text_is_found_as_shown_spelled_out_or_without_umlauts(
    words: list[str], sign: str, data: st.DataObject
) -> None:
    text = sign.join(words)
    which = data.draw(st.integers(0, len(words) - 1))
    word = words[which]
    start = data.draw(st.integers(0, len(word) - 1))
    piece = word[start:] if start else word
    if start and len(fold(piece)) < 3:
        piece = word  # a short piece is found where a word begins
    for typed in (piece, piece.upper(), drop_umlauts(piece)):
        folded = fold(typed)
        # Past MAX_PAIRS letter pairs the rest are read as two letters (documented).
        inside = start and len(folded) < wordmatch.MIN_INNER  # a short word begins a word
        if folded and " " not in folded and pairs(folded) <= wordmatch.MAX_PAIRS and not inside:
            assert found(text, folded), (text, typed, folded)


def test_a_word_is_not_found_where_it_is_not() -> None:
    assert not found("Einkauf/Vertrieb", "kaufe")
    assert not found("Geschäftsführung", "ha")  # a short word begins a word
    assert found("Leiterin Einkauf/Qualität", "qu")
    assert found("Straße", "strasse") and found("STRASSE", "strasse")
    assert not found("Steuerberater", "stuerberater")
    # Any "ss" of a run of "s" may be an "ß" (a left-to-right reading missed "sß").
    assert found("sß", "sss") and found("ßs", "sss") and found("SSS", "sss")
    assert not found("ß", "sss") and not found("ss", "sss")
