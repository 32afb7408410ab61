"""Template filters for amounts: ``{% load verbund_format %}``, then ``{{ cents|eur }}`` or
``{{ euros|eur_whole }}``."""

from decimal import Decimal

from django import template

from verbund.core.formatting import format_eur, format_eur_whole

register = template.Library()


@register.filter
def eur(cents: int | None) -> str:
    return format_eur(cents)


@register.filter
def eur_whole(euros: Decimal | str | None) -> str:
    return format_eur_whole(euros)
