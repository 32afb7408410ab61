"""Amounts as people read them: grouped and with the decimal sign of the active language."""

from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext as _


def format_eur(cents: int | None) -> str:
    """EUR cents for display: "1.686.666,63 €" in German, "€1,686,666.63" in English."""
    if cents is None:
        return ""
    amount = formats.number_format(
        Decimal(int(cents)) / 100, decimal_pos=2, use_l10n=True, force_grouping=True
    )
    return _("%(amount)s €") % {"amount": amount}
