"""Issue #19, sixth pass (decision 0008 points 17 and 18): short forms of given names, a word's
first x. One case each that the engine got wrong before."""

from verbund.compliance.matching import Index, Query
from verbund.compliance.matching_nicknames import nickname_spellings, other_forms
from verbund.compliance.matching_order import entry_spellings
from verbund.compliance.matching_text import canon_token, name_variants
from verbund.compliance.tests.fixtures import persons_index as _index

THRESHOLD = 0.70


def _scores(index: Index, name: str) -> dict[str, float]:
    query = Query(kind="person", names=[name])
    return {m.entry.name: m.score for m in index.screen(query, THRESHOLD)}


def test_a_short_form_of_a_given_name_finds_the_listed_full_name_and_the_other_way_round() -> None:
    assert "benjamin" in other_forms("bibi")
    assert "bibi" in other_forms("benjamin")
    # "Sascha" and "Sasha" are one spelling; the family name (the last word) is never replaced.
    assert "aleksandr" in other_forms("sascha")
    assert nickname_spellings(("ted", "doe")) == [("edward", "doe"), ("theodore", "doe")]
    index = _index("Benjamin NETANYAHU", "Theodore DOE", "Bill CLINTON", "Aleksandr IVANOV")
    found = _scores(index, "Bibi Netanyahu")
    assert list(found) == ["Benjamin NETANYAHU"]
    # A weaker reading than the full name itself.
    assert found["Benjamin NETANYAHU"] < _scores(index, "Benjamin Netanyahu")["Benjamin NETANYAHU"]
    assert list(_scores(index, "Ted Doe")) == ["Theodore DOE"]
    assert list(_scores(index, "William Clinton")) == ["Bill CLINTON"]
    assert list(_scores(index, "Sascha Iwanow")) == ["Aleksandr IVANOV"]


def test_a_short_form_does_not_stand_for_another_full_name_or_a_family_name() -> None:
    index = _index("Benjamin NETANYAHU", "Theodore DOE", "Jack BIBI")
    # "Ted" is Theodore's and Edward's, never Thomas's; the family name must still match.
    assert _scores(index, "Tom Doe") == {}
    assert _scores(index, "Bibi Schmidt") == {}
    # A family name is not replaced by the given name it also is a short form of.
    assert _scores(index, "Jack Benjamin") == {}
    assert list(_scores(index, "Jack Bibi")) == ["Jack BIBI"]


def test_a_words_first_x_is_an_s_as_pinyin_and_wade_giles_write_it() -> None:
    assert canon_token("xi") == canon_token("hsi") == "si"
    assert canon_token("xu") == canon_token("hsu")
    assert canon_token("xavier").startswith("s")
    # Inside a word x stays "ks"; an h before another s-less word is left alone ("Hse").
    assert canon_token("alexander") == canon_token("aleksander")
    assert canon_token("hse") == "hse"
    index = _index("Xi JINPING")
    assert list(_scores(index, "Hsi Chin-ping")) == ["Xi JINPING"]
    assert list(_scores(index, "Shi Jinping")) == ["Xi JINPING"]
    assert list(_scores(index, "Si Jinpin")) == ["Xi JINPING"]


def test_an_ayn_or_hamza_inside_a_word_keeps_the_word_whole_in_any_script() -> None:
    # anyascii writes the Arabic ayn as a backtick: "مسعود" became "ms wd", and "ms" a title.
    assert name_variants("محمد مسعود", False) == [("mhmd", "mswd")]
    # A scholarly transliteration's half ring, an apostrophe, or none: one word.
    assert name_variants("Jaʿfar", False) == name_variants("Ja'far", False) == [("jafar",)]
    index = _index("Ja'far Hasan MAJID")
    assert list(_scores(index, "Jaʿfar Majid")) == ["Ja'far Hasan MAJID"]


def test_a_short_form_spelling_keeps_the_family_name_apart_from_the_given_names() -> None:
    spellings = entry_spellings(True, [{"name": "Benjamin NETANYAHU"}])
    given, family = next(s[3] for s in spellings if s[1][0] == "bibi")
    assert "bibi" in given and "netaniahu" not in given and family == {"netaniahu"}
