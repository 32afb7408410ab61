"""Template filters for amounts, numbers and dates: ``{% load verbund_format %}``, then
``{{ cents|eur }}``, ``{{ euros|eur_whole }}``, ``{{ count|num }}``, ``{{ share|percent:"-2" }}`` or
``{{ day|day }}``; a user
as ``{{ actor|user_name }}``; and ``{% list_count page %}``, the "50 von 1.234" every list
shows."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django import template
from django.core.paginator import Page

from verbund.core import formatting
from verbund.core.countries import country_name
from verbund.core.formatting import (
    format_date,
    format_eur,
    format_eur_whole,
    format_number,
    format_percent,
)
from verbund.core.forms import show_day, show_month
from verbund.core.paging import ListCount

register = template.Library()


@register.filter
def eur(cents: int | None) -> str:
    return format_eur(cents)


@register.filter
def eur_whole(euros: Decimal | str | None) -> str:
    return format_eur_whole(euros)


@register.filter
def num(value: int | float | Decimal | None) -> str:
    return format_number(value)


@register.filter
def percent(value: Decimal | str | float | None, decimals: int | str | None = None) -> str:
    """A percentage as ``core.formatting.format_percent`` writes it ("25,5 %", "25.5%" in
    English): ``|percent`` with the decimals the value has, ``|percent:1`` with exactly one,
    ``|percent:"-2"`` with at most two (a negative count drops the zeros that end the decimals,
    as Django's ``floatformat`` does)."""
    if decimals in (None, ""):
        return format_percent(value)
    count = int(decimals)  # type: ignore[arg-type]
    if count < 0:
        return format_percent(value, at_most=-count)
    return format_percent(value, count)


@register.simple_tag
def list_count(rows: Any, total: int | None = None, capped: bool = False) -> str:
    """How many of how many a list shows ("50 von 1.234", core.formatting.format_count):
    ``{% list_count page %}`` for a page of Django's paginator or a ``core.paging.ListCount``,
    ``{% list_count shown total %}`` for a list that shows ``shown`` rows of ``total``."""
    if isinstance(rows, Page):
        return str(ListCount.of_page(rows))
    if isinstance(rows, ListCount):
        return str(rows)
    shown = int(rows)
    return str(ListCount(shown=shown, total=shown if total is None else int(total), capped=capped))


@register.filter
def day(value: object) -> str:
    return format_date(value)  # type: ignore[arg-type]


@register.filter
def day_input(value: dt.date | None) -> str:
    """A date as a date input shows it: "05.12.2026" in German, "2026-12-05" in English."""
    return show_day(value) if isinstance(value, dt.date) else ""


@register.filter
def month_input(value: dt.date | None) -> str:
    """A month as a month input shows it: "12.2026" in German, "2026-12" in English."""
    return show_month(value) if isinstance(value, dt.date) else ""


@register.filter
def country(code: str | None) -> str:
    """A country code as its name in the reader's language: "DE" -> "Deutschland"."""
    return country_name(code)


@register.filter
def countries(codes: object) -> str:
    """A list of country codes as names, comma-separated."""
    if not codes:
        return ""
    items = [codes] if isinstance(codes, str) else list(codes)  # type: ignore[call-overload]
    return ", ".join(country_name(c) for c in items)


@register.filter
def user_name(user: Any) -> str:
    """A user as the pages and the history name one (``core.formatting.user_name``): the full
    name, else the user name; no user is "". Reads only the user's own fields: no query."""
    return "" if user is None else formatting.user_name(user)
