"""Months and periods: parsing ``YYYY-MM``, month arithmetic, the month-end rule, and the
period a comparison with the year before reads (``comparable``, decision 0050)."""

import calendar
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

# The years a month may lie in (four digits, none before the records begin).
YEAR_MIN, YEAR_MAX = 1900, 9999
# parse_month's canonical form for the API schema: YYYY-MM within those years.
MONTH_PATTERN = r"^(19[0-9]{2}|[2-9][0-9]{3})-(0[1-9]|1[0-2])$"


def today() -> dt.date:
    """The day a comparison is made on (a function of its own: tests set it)."""
    return dt.date.today()


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(month: dt.date) -> dt.date:
    """The last day of the month: the day whose structure a month counts for (ADR 0003)."""
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def parse_month(value: str | dt.date, field: str = "month") -> dt.date:
    """``YYYY-MM`` (or a date) to the first day of that month; errors name ``field``."""
    if isinstance(value, dt.date):
        return month_start(value)
    text = str(value).strip()
    try:
        year_s, month_s = text.split("-")[:2]
        year, month = int(year_s), int(month_s)
        if not (YEAR_MIN <= year <= YEAR_MAX and 1 <= month <= 12) or len(text) not in (7, 10):
            raise ValueError
        return dt.date(year, month, 1)
    except ValueError:
        raise ValidationError(
            {field: [_("%(value)s is not a month (YYYY-MM).") % {"value": value}]}
        ) from None


@dataclass(frozen=True)
class Period:
    """A run of whole months, ``first`` to ``last`` inclusive (both first days of months)."""

    first: dt.date
    last: dt.date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValidationError({"to": [_("The period ends before it begins.")]})

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 1))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> "Period":
        first = dt.date(year, 3 * (quarter - 1) + 1, 1)
        return cls(first, add_months(first, 2))

    @classmethod
    def parse(
        cls, start: str | None, end: str | None, *, default_year: int | None = None
    ) -> "Period":
        year = default_year or dt.date.today().year
        first = parse_month(start, "from") if start else dt.date(year, 1, 1)
        last = (
            parse_month(end, "to")
            if end
            else (dt.date(first.year, 12, 1) if start else dt.date(year, 12, 1))
        )
        return cls(first, last)

    @property
    def whole_years(self) -> list[int] | None:
        """The calendar years covered when the period is made of whole years, else None."""
        if self.first.month == 1 and self.last.month == 12:
            return list(range(self.first.year, self.last.year + 1))
        return None

    def months(self) -> Iterator[dt.date]:
        m = self.first
        yield m
        # No month after the last is made: after December 9999 there is none (a ValueError).
        while m < self.last:
            m = add_months(m, 1)
            yield m


def comparable(period: Period, day: dt.date | None = None) -> Period:
    """The months of ``period`` that are compared with the same months a year before: the one
    rule of every comparison (the revenue overview, its drill-down, the settlement view, the
    customer file's section, their exports and ``/api/v1/revenue/top/``; decision 0050).

    A period that ended before the current month is compared whole. One that reaches into the
    current month or beyond ends with the last complete month, the one before ``day``'s
    (today's): on 7 December 2026 the year 2026 is January to November 2026, compared with
    January to November 2025, not eleven months with twelve. A period without a complete
    month ends with the current month (on 15 January 2027, 2027 is January 2027); one that
    begins after the current month stays as asked (it has no figures yet)."""
    current = month_start(day or today())
    if period.last < current:
        return period
    last = add_months(current, -1)
    if last >= period.first:
        return Period(period.first, last)
    if period.first <= current:
        return Period(period.first, current)
    return period


def running(period: Period, day: dt.date | None = None) -> bool:
    """Whether a compared period (``comparable``) still holds the current month: in January
    no month of the year is complete, and January so far is compared with all of January a
    year before; the pages say so instead of "up to the last complete month"."""
    return period.last >= month_start(day or today())


def previous_year(period: Period) -> Period:
    """The same months a year before."""
    return Period(add_months(period.first, -12), add_months(period.last, -12))


def month_label(month: dt.date) -> str:
    """A month as the pages name it, in the user's language: "Jan. 2026", "März 2026"."""
    return date_format(month, "N Y")


def period_label(period: Period) -> str:
    """A period as the pages name it, in the user's language: "2026", "Q4 2026", "Nov. 2026";
    months of one year as "Jan." to "Nov. 2026" joined by an en dash, months of two years
    with a spaced one ("Nov. 2025 - Feb. 2026"), whole years as "2024" to "2026"."""
    first, last = period.first, period.last
    years = period.whole_years
    if years:
        return str(first.year) if len(years) == 1 else f"{first.year}\u2013{last.year}"
    if first.month % 3 == 1 and last == add_months(first, 2):
        return _("Q%(q)s %(year)s") % {"q": (first.month - 1) // 3 + 1, "year": first.year}
    if first == last:
        return month_label(first)
    if first.year == last.year:
        return f"{date_format(first, 'N')}\u2013{date_format(last, 'N Y')}"
    return f"{date_format(first, 'N Y')} \u2013 {date_format(last, 'N Y')}"
