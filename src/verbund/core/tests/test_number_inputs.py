"""Numbers with a decimal sign are typed: "0,75" on German pages, "0.75" on English ones, and
either read in both (core.forms.parse_decimal, DecimalInput, TypedDecimalField)."""

from decimal import Decimal

import pytest
from django import forms
from django.utils import translation

from verbund.core.forms import TypedDecimalField, parse_decimal


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("0,75", Decimal("0.75")),
        ("0.75", Decimal("0.75")),
        (" 0,8 ", Decimal("0.8")),
        (",5", Decimal("0.5")),
        ("75", Decimal("75")),
        ("-1,5", Decimal("-1.5")),
    ],
)
def test_a_number_is_read_with_a_comma_or_a_point_as_its_decimal_sign(text, number):
    assert parse_decimal(text) == number


@pytest.mark.parametrize("text", ["", " ", "abc", "1.000,5", "0,7,5", "1e3", "nan", "inf", ","])
def test_text_that_is_no_plain_number_is_not_read(text):
    assert parse_decimal(text) is None


class _Form(forms.Form):
    share = TypedDecimalField(label="Anteil", required=False)


def test_the_input_shows_the_number_with_the_decimal_sign_of_the_language():
    with translation.override("de"):
        german = str(_Form(initial={"share": 0.75})["share"])
    with translation.override("en"):
        english = str(_Form(initial={"share": 0.75})["share"])
    assert 'value="0,75"' in german and 'inputmode="decimal"' in german
    assert 'value="0.75"' in english


def test_text_that_is_no_number_is_refused_naming_the_field():
    with translation.override("de"):
        form = _Form({"share": "viel"})
        assert not form.is_valid()
        assert form.errors["share"] == ["Anteil: „viel“ ist keine Zahl (zum Beispiel 0,75)."]
