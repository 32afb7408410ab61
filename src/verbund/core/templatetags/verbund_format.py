"""Template filters for amounts: ``{% load verbund_format %}`` then ``{{ cents|eur }}``."""

from django import template

from verbund.core.formatting import format_eur

register = template.Library()


@register.filter
def eur(cents: int | None) -> str:
    return format_eur(cents)
