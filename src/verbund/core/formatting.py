"""Amounts as people read them: grouped and with the decimal sign of the active language."""

from decimal import Decimal, InvalidOperation

from django.utils import formats
from django.utils.translation import gettext as _


def format_euros(amount: Decimal, decimals: int = 2) -> str:
    """An EUR amount for display: "1.686.666,63 €" in German, "€1,686,666.63" in English."""
    number = formats.number_format(amount, decimal_pos=decimals, use_l10n=True, force_grouping=True)
    return _("%(amount)s €") % {"amount": number}


def format_eur(cents: int | None) -> str:
    """EUR cents for display, to the cent."""
    if cents is None:
        return ""
    return format_euros(Decimal(int(cents)) / 100)


def format_eur_whole(amount: Decimal | str | None) -> str:
    """An amount in euros (a decimal or its text) rounded to whole euros, for compact labels."""
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return ""
    return format_euros(value.quantize(Decimal(1)), decimals=0)
