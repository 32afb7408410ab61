"""The rules of a revenue figure that the single write (``revenue.actions``) and the import
(``interfaces.revenue``) both check: the one home of each check and of its message.

Plain values in, a message or None out.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from verbund.revenue.models import CurrencyRate, RevenueMonth

# Who may read revenue: the API, the file's section and the hierarchy's node figures.
READ_PERMISSION = "revenue.view_revenuemonth"

_AMOUNT = RevenueMonth._meta.get_field("amount_original")
# The digits before the point the stored amount holds.
AMOUNT_WHOLE_DIGITS: int = _AMOUNT.max_digits - _AMOUNT.decimal_places  # type: ignore[union-attr, operator]
# The converted amount in euro cents is held to the same digits, so that sums over years and
# groups stay far inside the 64-bit columns and the databases' integer sums.
CENTS_LIMIT = 10 ** (AMOUNT_WHOLE_DIGITS + 2)


def choose(labels: Iterable[Any]) -> str:
    """The refusal of a value outside a fixed choice, naming the choices as the pages label
    them ("Wählen Sie Jahr, Quartal oder Monate."). The one message of the page, the API and
    the command line (decision 0013); the API's schema lists the keys behind the labels
    (decision 0053), so a person never reads an internal key."""
    return _("Choose %(choices)s.") % {
        "choices": get_text_list([str(label) for label in labels], _("or"))
    }


def _too_many_digits(value: Any, digits: int) -> str:
    return _("%(value)s has more than %(digits)s digits before the decimal point.") % {
        "value": value,
        "digits": digits,
    }


def amount_error(amount: Decimal, value: Any) -> str | None:
    """An amount (rounded to cents) with more digits before the point than are stored."""
    if abs(amount) < 10**AMOUNT_WHOLE_DIGITS:
        return None
    return _too_many_digits(value, AMOUNT_WHOLE_DIGITS)


def cents_error(cents: int, value: Any, currency: str) -> str | None:
    """An amount whose value in euro (at the month's rate) is beyond what is stored."""
    if abs(cents) < CENTS_LIMIT:
        return None
    return _("%(value)s %(currency)s is too large in euro at the month's rate.") % {
        "value": value,
        "currency": currency,
    }


_RATE = CurrencyRate._meta.get_field("per_eur")
RATE_PLACES: int = _RATE.decimal_places  # type: ignore[union-attr, assignment]
RATE_WHOLE_DIGITS: int = _RATE.max_digits - _RATE.decimal_places  # type: ignore[union-attr, operator]


def rate_error(rate: Decimal, value: Any) -> str | None:
    """A rate (units per euro) that is too large, or not above zero at the stored places."""
    if rate >= 10**RATE_WHOLE_DIGITS:
        return _too_many_digits(value, RATE_WHOLE_DIGITS)
    # Rounded to the places only below that size: rounding a number of more than 28 digits is
    # itself an error (decimal.InvalidOperation).
    if rate <= 0 or rate.quantize(Decimal(1).scaleb(-RATE_PLACES)) == 0:
        return _("A rate must be more than zero.")
    return None
