"""Numbers and dates in messages follow the language: "20.000 Zeilen", "am 20.02.2015"."""

import datetime as dt
from decimal import Decimal

from django.template import Context, Template
from django.utils import translation

from verbund.core.formatting import format_date, format_money, format_number, format_percent


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


def test_a_percentage_keeps_its_decimals_and_the_languages_sign():
    with translation.override("de"):
        assert format_percent("12.5") == "12,5\u00a0%"
        assert format_percent(Decimal("25.0000")) == "25\u00a0%"
        assert format_percent("1E+2") == "100\u00a0%"
        assert format_percent("0.0001") == "0,0001\u00a0%"
        assert (format_percent(None), format_percent(""), format_percent("x")) == ("", "", "x")
    with translation.override("en"):
        assert format_percent("12.5") == "12.5%"


def test_a_percentage_rounds_to_at_most_or_exactly_the_decimals_asked_for():
    with translation.override("de"):
        assert format_percent(Decimal("33.3333"), at_most=2) == "33,33\u00a0%"
        assert format_percent(Decimal("25.5000"), at_most=2) == "25,5\u00a0%"
        assert format_percent(Decimal("59.995"), at_most=2) == "60\u00a0%"  # half up
        assert format_percent(Decimal("12"), 1) == "12,0\u00a0%"
        assert format_percent(Decimal("-4.25"), 1) == "-4,3\u00a0%"
        assert format_percent(Decimal("1234.5"), 1) == "1.234,5\u00a0%"
    with translation.override("en"):
        assert format_percent(Decimal("33.3333"), at_most=2) == "33.33%"
        assert format_percent(Decimal("12"), 1) == "12.0%"
        assert format_percent(Decimal("1234.5"), 1) == "1,234.5%"


def test_the_percent_filter_writes_a_percentage_as_format_percent_does():
    template = Template(
        '{% load verbund_format %}{{ v|percent }}|{{ v|percent:1 }}|{{ v|percent:"-2" }}'
    )
    value = Decimal("25.5050")
    with translation.override("de"):
        assert template.render(Context({"v": value})) == "25,505\u00a0%|25,5\u00a0%|25,51\u00a0%"
        assert template.render(Context({"v": None})) == "||"
    with translation.override("en"):
        assert template.render(Context({"v": value})) == "25.505%|25.5%|25.51%"


def test_an_amount_names_its_currency_and_euros_read_as_on_the_revenue_pages():
    with translation.override("de"):
        assert format_money("10.00", "CHF") == "10,00 CHF"
        assert format_money(Decimal("1234.5"), "EUR") == "1.234,50 €"
        assert format_money("abc", "EUR") == "abc"
    with translation.override("en"):
        assert format_money("1234.5", "USD") == "1,234.50 USD"
        assert format_money("10", "EUR") == "€10.00"
