"""Amounts, numbers and dates as people read them, in the active language: grouped and with its
decimal sign ("20.000 Zeilen"), dates as "20.02.2015" in German. Messages, templates and
commands use these instead of ``str()`` or ``isoformat()``."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from verbund.core.text import fold


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


def format_number(value: int | float | Decimal | None, decimals: int | None = None) -> str:
    """A count or number for display: "20.000" in German, "20,000" in English; with
    ``decimals``, rounded half up to as many ("0,99" for 0.987: Django's own formatting cuts
    the digits off, "0,98")."""
    if value is None:
        return ""
    if decimals is not None:
        value = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return formats.number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def format_percent(
    value: Decimal | str | float | None, decimals: int | None = None, *, at_most: int | None = None
) -> str:
    """A percentage for display, the one way every page, chart and export writes one: "12,5 %"
    in German (a non-breaking space), "12.5%" in English. By default with the decimals the
    value has, none added ("25.0000" is "25 %"); ``decimals`` rounds half up to exactly as many
    ("12,0 %", for columns of figures); ``at_most`` rounds half up to at most as many and drops
    the zeros that end them ("33,33 %", "25,5 %", "60 %": shares). Text that is no number stays
    as it is; None and "" are ""."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if not number.is_finite():
        return str(value)
    if decimals is None:
        if at_most is not None:
            number = number.quantize(Decimal(1).scaleb(-at_most), rounding=ROUND_HALF_UP)
        number = number.normalize()
        exponent = number.as_tuple().exponent
        decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return _("%(number)s%%") % {"number": format_number(number, decimals)}


def format_money(amount: Decimal | str | None, currency: str, decimals: int = 2) -> str:
    """An amount in its currency: euros as the revenue pages show them ("10,00 €"), any other
    currency with its code ("10,00 CHF"); text that is no number stays as it is."""
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return "" if amount is None else str(amount)
    if not value.is_finite():
        return str(amount)
    if currency == "EUR":
        return format_euros(value, decimals)
    return f"{format_number(value, decimals)} {currency}"


def format_count(shown: int, total: int, *, first: int = 1, capped: bool = False) -> str:
    """How many of how many rows a list shows, the one wording of every list (design brief 7a):
    "50 von 1.234" in German, "50 of 1,234" in English; from a later page of a list that knows
    its position "51-100 von 1.234" (an en dash); past a count's cap "50 von über 10.000"."""
    if first > 1 and shown:
        part = f"{format_number(first)}\u2013{format_number(first + shown - 1)}"
    else:
        part = format_number(shown)
    values = {"shown": part, "total": format_number(total)}
    if capped:
        return _("%(shown)s of more than %(total)s") % values
    return _("%(shown)s of %(total)s") % values


def format_date(value: dt.date | str | None) -> str:
    """A date for display: "20.02.2015" in German, "20 Feb 2015" in English; ISO text is read
    as a date; a missing date is ""."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    else:
        day = value.date() if isinstance(value, dt.datetime) else value
    return formats.date_format(day, "SHORT_DATE_FORMAT", use_l10n=True)


def user_name(user: Any) -> str:
    """A user as the pages and the history name one: the full name, else the user name."""
    return str(user.get_full_name() or user.get_username())


def user_order(user: Any, me: int | None = None) -> tuple[Any, ...]:
    """Where a user stands in a list of users to choose from: ``me`` (the user looking) first,
    then as a list of people is read, last name, first name (folded: case and umlauts, so
    SQLite and PostgreSQL, whose collations differ, give one order); a user without a name by
    user name among them."""
    last, first, username = user.last_name.strip(), user.first_name.strip(), user.username
    return (user.pk != me, fold(last or first or username), fold(first), username, user.pk)
