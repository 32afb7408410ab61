"""The English UI shows dates no reader takes for month/day and 24-hour times; the German UI
keeps its German formats (#22.7)."""

import datetime as dt

from django.template import Context, Template
from django.utils import formats, translation

from verbund.core.formatting import format_date, format_number

DAY = dt.date(2026, 12, 5)
MOMENT = dt.datetime(2026, 12, 5, 14, 30)


def test_english_dates_name_the_month_and_times_run_to_24_hours():
    with translation.override("en"):
        assert format_date(DAY) == "5 Dec 2026"
        assert format_date("2026-02-03") == "3 Feb 2026"
        assert formats.date_format(MOMENT, "SHORT_DATETIME_FORMAT") == "5 Dec 2026, 14:30"
        assert (
            Template('{{ d|date:"SHORT_DATE_FORMAT" }} {{ d|date }}').render(Context({"d": DAY}))
            == "5 Dec 2026 5 Dec 2026"
        )
        assert format_number(20000) == "20,000"


def test_german_dates_stay_german():
    with translation.override("de"):
        assert format_date(DAY) == "05.12.2026"
        assert formats.date_format(MOMENT, "SHORT_DATETIME_FORMAT") == "05.12.2026 14:30"
        assert format_number(20000) == "20.000"


def test_a_number_shown_with_decimals_is_rounded_half_up_not_cut():
    with translation.override("de"):
        assert format_number(0.987, 2) == "0,99"
        assert format_number(0.985, 2) == "0,99"
        assert format_number(-0.1049, 2) == "-0,10"
        assert format_number(1234.5, 0) == "1.235"
    with translation.override("en"):
        assert format_number(0.987, 2) == "0.99"
