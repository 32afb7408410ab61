"""Issue #19, eighth pass (decision 0008 point 21): a name read with its first two words
joined still compares its second word as a word of its own. Cases the engine got wrong
before, and the typos the joined reading is there for."""

from verbund.compliance.tests.fixtures import foreign_persons_index as _index
from verbund.compliance.tests.fixtures import person_hits as _hits

# Two-word list names (indexed joined as well: "alikoni"), and list names that make the
# party's second words list words ("Khoury", "Omari", "Masri").
LISTED = (
    "Ali KONY",
    "Ali OMAR",
    "Ali FAZLI",
    "Ali WANUS",
    "Elias KHOURY",
    "Yusuf Ahmad OMARI",
    "Mohammed AL-MASRI",
    "Al LIBI",
    "Abd al-Muhsin AL-LIBI",
)


def test_a_joined_reading_does_not_pair_another_second_name() -> None:
    index = _index(*LISTED)
    # A party of the listed persons' country (the small index weighs "Ali" more than the
    # real lists do; the country makes up for it). "alikhoury" / "alikoni" was 0.85 as one
    # long word: "Khoury" and "Kony" are two names.
    assert _hits(index, "Ali Khoury", "Ali", "Khoury", "sy") == []
    assert _hits(index, "Ali Masri", "Ali", "Masri", "sy") == []
    # Not a list word, but another first letter and more: another name (point 20).
    assert _hits(index, "Ali Yavuz", "Ali", "Yavuz", "sy") == []
    # "Omari" is the adjective of "Omar" (point 14): 0.93 joined, 0.78 for a German party.
    assert _hits(index, "Ali Omari", "Ali", "Omari") == []


def test_a_joined_reading_still_finds_typos_in_a_short_second_name() -> None:
    index = _index(*LISTED)
    # Two typos in a short word leave it alike only as part of the long joined word.
    assert _hits(index, "Ali Wnas", "Ali", "Wnas", "sy") == ["Ali WANUS"]
    assert _hits(index, "Ali Kny", "Ali", "Kny", "sy") == ["Ali KONY"]
    assert _hits(index, "Ali Kony", "Ali", "Kony", "sy") == ["Ali KONY"]
    # A particle joined to the next word is one word in many spellings: a typo at the joint
    # is inside that word ("AL-LIBI" typed "ALhLIjI").
    assert "Abd al-Muhsin AL-LIBI" in _hits(index, "Abd Alhliji", country="sy")
