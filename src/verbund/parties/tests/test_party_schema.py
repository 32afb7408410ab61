"""The party request schema states the party rules the API holds a new party to."""

import pytest

from verbund.core.countries import ISO_COUNTRIES
from verbund.core.tests.openapi import admits, component
from verbund.parties import rules


@pytest.mark.parametrize(
    "body",
    [
        {"name": "Muster GmbH"},
        {},
        {"name": "  "},
        {"kind": "organisation", "last_name": "Muster"},
        {"kind": "person", "last_name": "Mustermann"},
        {"kind": "person", "name": "Erika Mustermann"},
        {"kind": "person", "first_name": "Erika"},
        {"kind": "person", "last_name": " "},
    ],
)
def test_the_schema_admits_a_name_exactly_when_the_name_rule_does(body):
    kind = body.get("kind", "organisation")
    name, last_name = (body.get(f, "").strip() for f in ("name", "last_name"))
    assert admits("PartyRequest", body) == (rules.name_error(kind, name, last_name) is None)


def test_the_schema_lists_the_country_codes_the_rule_accepts():
    country = component("PartyRequest")["properties"]["country"]
    enum_name = country["allOf"][0]["$ref"].rsplit("/", 1)[-1]
    assert set(component(enum_name)["enum"]) == set(ISO_COUNTRIES)
    assert not admits("PartyRequest", {"name": "Muster GmbH", "country": "XX"})
    assert admits("PartyRequest", {"name": "Muster GmbH", "country": "AT"})


@pytest.mark.parametrize(
    ("field", "value"),
    [("vat_id", "DE123456789"), ("vat_id", "123"), ("vat_id", ""), ("lei", "5493001KJTIIGC8Y1R12")],
)
def test_the_schema_admits_a_vat_id_or_lei_in_the_form_the_rule_accepts(field, value):
    # The LEI's check digits are beyond a pattern: this one's are right.
    error = rules.FIELD_ERRORS[field](value)
    assert admits("PartyRequest", {"name": "Muster GmbH", field: value}) == (error is None)
