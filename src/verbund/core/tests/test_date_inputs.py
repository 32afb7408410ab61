"""Dates and months are typed, in the user's language: German "05.12.2026" / "12.2026", ISO in
both languages, errors that name the field (#22.7)."""

import datetime as dt

import pytest
from django import forms
from django.utils import translation

from verbund.core.forms import (
    DayField,
    MomentField,
    MonthField,
    parse_day,
    parse_month,
)


class DatesForm(forms.Form):
    day = DayField(label="Gültig ab", required=False)
    month = MonthField(label="Von", required=False)
    moment = MomentField(label="Datum", required=False)


@pytest.mark.parametrize("text", ["5.12.2026", "05.12.2026", "2026-12-05", " 5. 12. 2026 "])
def test_a_day_is_read_in_german_and_iso_form(text):
    assert parse_day(text) == dt.date(2026, 12, 5)


@pytest.mark.parametrize("text", ["12.2026", "2026-12", "1.12.2026", "2026-12-01"])
def test_a_month_is_read_in_german_and_iso_form(text):
    assert parse_month(text) == dt.date(2026, 12, 1)


@pytest.mark.parametrize("text", ["32.12.2026", "12/05/2026", "gestern", "13.2026", "2026-2-30"])
def test_text_that_is_no_date_is_refused_with_the_field_named(text):
    with translation.override("de"):
        form = DatesForm({"day": text, "month": text, "moment": text})
        assert not form.is_valid()
        assert form.errors["day"][0].startswith(f"Gültig ab: „{text.strip()}“ ist kein Datum")
        assert "TT.MM.JJJJ" in form.errors["day"][0]
        assert form.errors["moment"][0].startswith("Datum:")


def test_a_good_form_reads_every_shape():
    form = DatesForm({"day": "5.12.2026", "month": "12.2026", "moment": "5.12.2026 14:30"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == dt.date(2026, 12, 5)
    assert form.cleaned_data["month"] == dt.date(2026, 12, 1)
    moment = form.cleaned_data["moment"]
    assert (moment.hour, moment.minute, moment.tzinfo is not None) == (14, 30, True)


def test_inputs_show_german_dates_in_german_and_iso_dates_in_english():
    form = DatesForm(initial={"day": dt.date(2026, 12, 5), "month": dt.date(2026, 12, 1)})
    with translation.override("de"):
        html = str(form["day"]) + str(form["month"])
        assert 'value="05.12.2026"' in html and 'placeholder="TT.MM.JJJJ"' in html
        assert 'value="12.2026"' in html and 'placeholder="MM.JJJJ"' in html
        assert 'type="text"' in html and 'type="date"' not in html
    with translation.override("en"):
        html = str(form["day"]) + str(form["month"])
        assert 'value="2026-12-05"' in html and 'placeholder="YYYY-MM-DD"' in html
        assert 'value="2026-12"' in html


def test_no_form_or_template_uses_a_native_date_input():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for pattern in ("*.html", "*.py")
        for path in root.rglob(pattern)
        if "tests" not in path.parts
        and any(
            marker in path.read_text(encoding="utf-8")
            for marker in ('type="date"', 'type="month"', '"type": "date"', "datetime-local")
        )
    ]
    assert offenders == []
