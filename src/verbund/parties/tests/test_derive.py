"""One derivation of a party's search columns: the fast word-by-word path is exactly what
``core.text`` gives, and ``derive_fields`` uses it."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verbund.core.text import koelner_phonetik, search_key
from verbund.parties.actions import derive_fields, do_create_party
from verbund.parties.derive import derive_search_columns, search_pieces, search_text_with
from verbund.parties.models import Party

NAMES = [
    "Müller Metallbau GmbH & Co. KG",
    "Bäckerei Krüger e.K.",
    "Weiß+Partner mbB",
    "  Dr. Oetker  Nahrungsmittel KG ",
    "Straßenbau Öztürk UG (haftungsbeschränkt)",
    "A&B",
    "Ærø Shipping A/S",
    "",
]


@pytest.mark.parametrize("name", NAMES)
def test_derived_columns_equal_what_the_actions_module_derives(name: str) -> None:
    party = Party(
        kind="organisation",
        name=name,
        name2="Lager Süd",
        number="100001",
        city="Köln",
        postcode="50667",
        vat_id="DE136695976",
    )
    derive_fields(party)
    assert derive_search_columns(name, "Lager Süd", "100001", "Köln", "50667", "DE136695976") == (
        party.search_text,
        party.phonetic,
    )


def test_derived_columns_from_name_parts_equal_the_whole_name() -> None:
    whole = derive_search_columns("Helios Services Köln GmbH & Co. KG", "", "7", "Köln", "", "")
    parts = derive_search_columns(
        "Helios Services Köln GmbH & Co. KG",
        "",
        "7",
        "Köln",
        "",
        "",
        name_parts=("Helios Services Köln", "GmbH & Co. KG"),
    )
    assert whole == parts


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abcäöüßÄÖÜ &+.-,/()éèç0123 \t", max_size=40))
def test_derived_columns_match_for_any_text(name: str) -> None:
    party = Party(kind="organisation", name=name, number="42", city="Münster")
    derive_fields(party)
    assert derive_search_columns(name, "", "42", "Münster", "", "") == (
        party.search_text,
        party.phonetic,
    )


def test_the_search_text_with_a_known_number_is_the_derived_one() -> None:
    for name, name2, number, city in [
        ("Müller GmbH", "Lager Süd", "100001", "Köln"),
        ("", "", "7", ""),
        ("Ä", "", "X-1 b", "Berlin"),
    ]:
        before, after, phonetic = search_pieces(name, name2, city, "50667", "")
        assert (search_text_with(before, number, after), phonetic) == derive_search_columns(
            name, name2, number, city, "50667", ""
        )


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abcäöüßÄÖÜ &+.-,/()éèç0123 \t", max_size=40))
def test_the_fast_derivation_is_the_folded_search_key_for_any_text(name: str) -> None:
    assert derive_search_columns(name, "Lager Süd", "42", "Münster", "50667", "DE1") == (
        search_key(name, "Lager Süd", "42", "Münster", "50667", "DE1")[:500],
        koelner_phonetik(name)[:200],
    )


@pytest.mark.django_db
def test_a_created_party_is_found_by_its_generated_number() -> None:
    party = do_create_party(actor=None, kind="organisation", name="Nummer GmbH")
    assert party.number in party.search_text.split()
