"""Template filters for amounts, numbers and dates: ``{% load verbund_format %}``, then
``{{ cents|eur }}``, ``{{ euros|eur_whole }}``, ``{{ count|num }}`` or ``{{ day|day }}``."""

from decimal import Decimal

from django import template

from verbund.core.formatting import format_date, format_eur, format_eur_whole, format_number

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
