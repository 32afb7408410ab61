"""Issue #19, round two (decision 0008 point 13): a person's given and family name in crossed
order, and a typo beside a long vowel. One case each that the engine got wrong before."""

from typing import Any

from verbund.compliance.delta_filter import DeltaFilter, party_readings, reading_tokens
from verbund.compliance.matching import EntryRecord, Index, Query
from verbund.compliance.matching_order import family_split
from verbund.compliance.matching_spelling import other_ending, same_skeleton_name
from verbund.compliance.screening import PartyRow, query_for
from verbund.compliance.tests.fixtures import FILLER

THRESHOLD = 0.70


def _index(*entries: tuple[str, list[str]]) -> Index:
    recs = []
    for i, (schema, names) in enumerate([*entries, *((s, [n]) for s, n in FILLER)]):
        rec = EntryRecord(
            list_id=1, entry_id=i, external_id=str(i), content_hash="h", schema=schema,
            name=names[0], countries=frozenset(), birth_dates=(), identifiers=(),
        )  # fmt: skip
        recs.append((rec, [{"name": n, "weak": False} for n in names]))
    return Index(recs)


def _hits(index: Index, name: str, **more: Any) -> list[str]:
    query = Query(kind="person", names=[name], **more)
    return [m.entry.name for m in index.screen(query, THRESHOLD)]


def test_the_lists_family_name_is_the_one_in_capitals_after_the_given_names() -> None:
    assert family_split("Khalil Ibrahim MOHAMMAD") == ("Khalil Ibrahim", "MOHAMMAD")
    assert family_split("Hameed ul HASSAN") == ("Hameed ul", "HASSAN")
    assert family_split("Jose A. SMITH") == ("Jose A.", "SMITH")
    # All in capitals (the UN), all in mixed case, another script: the order is unknown.
    assert family_split("KHALIL IBRAHIM MOHAMMAD") is None
    assert family_split("Khalil Ibrahim Mohammad") is None
    assert family_split("محمود ذياب الأحمد") is None
    assert family_split("MOHAMMAD") is None


def test_a_given_name_that_is_the_lists_family_name_and_the_reverse_is_another_person() -> None:
    index = _index(("person", ["Khalil Ibrahim MOHAMMAD"]), ("person", ["Hans FRIEDRICH"]))
    assert _hits(index, "Muhammad Khalil", given="Muhammad", family="Khalil") == []
    assert _hits(index, "Friedrich Hans", given="Friedrich", family="Hans") == []
    # The same names in the list's order, and without saying which is which, still hit.
    assert _hits(index, "Khalil Muhammad", given="Khalil", family="Muhammad") == [
        "Khalil Ibrahim MOHAMMAD"
    ]
    assert _hits(index, "Muhammad Khalil") == ["Khalil Ibrahim MOHAMMAD"]
    assert _hits(index, "Hans Friedrich", given="Hans", family="Friedrich") == ["Hans FRIEDRICH"]


def test_crossed_order_changes_nothing_where_the_list_does_not_say_or_writes_both_orders() -> None:
    index = _index(
        ("person", ["KHALIL IBRAHIM MOHAMMAD"]),
        ("person", ["Jong Un KIM", "Kim Jong Un"]),
    )
    assert _hits(index, "Muhammad Khalil", given="Muhammad", family="Khalil") == [
        "KHALIL IBRAHIM MOHAMMAD"
    ]
    assert _hits(index, "Kim Jong Un", given="Kim", family="Jong Un") == ["Jong Un KIM"]


def test_a_crm_person_is_screened_with_its_first_and_last_name() -> None:
    row = PartyRow(1, "person", "Muhammad Khalil", "", "Muhammad", "Khalil", "DE", None, "", "", "")
    query = query_for(row)
    assert (query.given, query.family) == ("Muhammad", "Khalil")
    org = PartyRow(2, "organisation", "Khalil GmbH", "", "", "", "DE", None, "", "", "")
    assert (query_for(org).given, query_for(org).family) == ("", "")
    index = _index(("person", ["Khalil Ibrahim MOHAMMAD"]))
    assert index.screen(query, THRESHOLD) == []


def test_a_typo_beside_a_long_vowel_is_one_letter_off() -> None:
    # "Mroos" is two letters from "moroz" as written and from "moros" canonically ("mrus"),
    # one with consonants merged only ("mroos" / "moros").
    index = _index(("person", ["Alexander Ivanovich MOROZ"]))
    assert _hits(index, "Alexander Mroos") == ["Alexander Ivanovich MOROZ"]
    # The delta screening's filter reaches the party too.
    delta = DeltaFilter(index, {0})
    variants = party_readings(["Alexander Mroos"], "person")
    persons, _orgs = delta.tokens(reading_tokens(variants, "person"))
    assert "mroos" in persons
    assert delta.may_match("person", [[list(v) for v in vs] for vs in variants], THRESHOLD)


def test_a_listed_name_sharing_a_skeleton_with_a_syllable_more_is_another_name() -> None:
    # "Mahmud" and "Muhammad" are both "mhmd"; "Mohammed" / "Muhammad" only swap vowels. A
    # word in no list keeps the rule: a typo may drop a vowel.
    assert not same_skeleton_name("mahmud", "muhamad")
    assert same_skeleton_name("mahmud", "muhamad", listed=False)
    assert same_skeleton_name("mohamed", "muhamad")
    index = _index(("person", ["Mustafa MUHAMMAD"]), ("person", ["Mahmoud ABBAS"]))
    assert _hits(index, "Mustafa Mahmoud") == []
    assert _hits(index, "Mustafa Mohammed") == ["Mustafa MUHAMMAD"]


def test_a_family_name_with_another_last_consonant_is_another_name() -> None:
    assert other_ending("dabbag", "dabbas")
    assert other_ending("kalil", "kalik")
    # A final h comes and goes in transliterations; a different vowel is left to the rest.
    assert not other_ending("faiiah", "faiiad")
    assert not other_ending("karima", "karimi")
    rec = EntryRecord(
        list_id=1, entry_id=0, external_id="0", content_hash="h", schema="person",
        name="Rania Raslan AL DABBAS", countries=frozenset(["sy"]), birth_dates=(), identifiers=(),
    )  # fmt: skip
    other = EntryRecord(
        list_id=1, entry_id=1, external_id="1", content_hash="h", schema="person",
        name="Samir DABBAGH", countries=frozenset(["sy"]), birth_dates=(), identifiers=(),
    )  # fmt: skip
    index = Index([(r, [{"name": r.name, "weak": False}]) for r in (rec, other)])
    # "Dabbagh" is a list name of its own: "Dabbas" is another name, not a typo of it.
    query = Query(kind="person", names=["Rania Dabbagh"], country="de")
    assert index.screen(query, THRESHOLD) == []
    # A word in no list with another last letter is still a typo.
    query = Query(kind="person", names=["Rania Dabbak"], country="de")
    assert [m.entry.name for m in index.screen(query, THRESHOLD)] == ["Rania Raslan AL DABBAS"]
