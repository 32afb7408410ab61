"""Numbers and dates in messages follow the language: "20.000 Zeilen", "am 20.02.2015"."""

import datetime as dt

from django.utils import translation

from verbund.core.formatting import format_date, format_number


def test_numbers_are_grouped_in_the_language_of_the_user():
    with translation.override("de"):
        assert format_number(20000) == "20.000"
    with translation.override("en"):
        assert format_number(20000) == "20,000"


def test_dates_read_as_the_user_writes_them():
    with translation.override("de"):
        assert format_date(dt.date(2015, 2, 20)) == "20.02.2015"
        assert format_date("2015-02-20") == "20.02.2015"
        assert format_date(None) == ""
    with translation.override("en"):
        assert format_date(dt.date(2015, 2, 20)) == "20 Feb 2015"  # unambiguous (decision 0029)
