"""Template filters for amounts, numbers and dates: ``{% load verbund_format %}``, then
``{{ cents|eur }}``, ``{{ euros|eur_whole }}``, ``{{ count|num }}`` or ``{{ day|day }}``."""

import datetime as dt
from decimal import Decimal

from django import template

from verbund.core.countries import country_name
from verbund.core.formatting import format_date, format_eur, format_eur_whole, format_number
from verbund.core.forms import show_day, show_month

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
