"""German postcodes (decision 0059): a leading zero a spreadsheet dropped is put back, by the
form, the API and the bulk paths alike (one rule, ``parties.rules.normal_postcode``)."""

import pytest

from verbund.parties.actions import do_create_party, do_update_party
from verbund.parties.rules import normal_postcode


def test_a_four_digit_german_postcode_gets_its_leading_zero_back() -> None:
    assert normal_postcode("DE", "1067") == "01067"
    assert normal_postcode("DE", " 1067 ") == "01067"
    # Five digits, another country's four digits and what is no number stay as given.
    assert normal_postcode("DE", "50667") == "50667"
    assert normal_postcode("AT", "1010") == "1010"
    assert normal_postcode("CH", "8001") == "8001"
    assert normal_postcode("DE", "D-1067") == "D-1067"
    fullwidth = "\uff11\uff10\uff16\uff17"  # "1067" in fullwidth digits: no ASCII digits
    assert normal_postcode("DE", fullwidth) == fullwidth


@pytest.mark.django_db
def test_the_actions_store_the_german_postcode_with_its_zero() -> None:
    party = do_create_party(actor=None, name="Elbe GmbH", postcode="1067", country="DE")
    assert party.postcode == "01067"
    party = do_update_party(party, actor=None, postcode="1069")
    assert party.postcode == "01069"
    vienna = do_create_party(actor=None, name="Donau GmbH", postcode="1010", country="AT")
    assert vienna.postcode == "1010"
