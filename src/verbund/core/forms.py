"""Form helpers for the views of every domain. Forms render and parse input; every rule lives
in the domains' actions and rules modules."""

import datetime as dt
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import from_current_timezone
from django.utils import formats, timezone
from django.utils.translation import get_language, gettext


def apply_errors(
    form: forms.BaseForm, exc: ValidationError, field_map: Mapping[str, str] | None = None
) -> None:
    """Put the errors of an action's ValidationError on the form fields they name.

    ``field_map`` renames the action's fields to the form's (e.g. ``to_party`` -> ``other``);
    errors on fields the form does not have, and errors without a field, go to the form itself.
    """
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = (field_map or {}).get(field, field)
            form.add_error(target if target in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# Dates are typed, not picked: a browser's native date input shows its own locale's order
# (mm/dd/yyyy in an English Chromium) whatever the page's language. These inputs show German
# dates in the German UI and ISO dates in the English one, and read either in both.
_DAY = re.compile(r"^\s*(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{4})\s*$")
_ISO_DAY = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_MONTH = re.compile(r"^\s*(\d{1,2})\s*[./]\s*(\d{4})\s*$")
_ISO_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})(?:-\d{1,2})?\s*$")
_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*(?:Uhr)?\s*$")


_ID_TEXT = re.compile(r"[0-9]{1,18}")


def id_param(text: Any) -> int | None:
    """A query parameter read as an id or a small number: ASCII digits only, at most 18 (a
    64-bit id); None otherwise. ``str.isdigit`` also takes superscripts and other scripts'
    digits ("²"), which ``int`` refuses or reads as another number."""
    value = str(text or "").strip()
    return int(value) if _ID_TEXT.fullmatch(value) else None


def parse_day(text: str) -> dt.date | None:
    """A typed date: "5.12.2026", "05.12.2026" or "2026-12-05", in either language; None when
    the text is no date."""
    for pattern, order in ((_DAY, (2, 1, 0)), (_ISO_DAY, (0, 1, 2))):
        match = pattern.match(text or "")
        if match:
            parts = [int(g) for g in match.groups()]
            try:
                return dt.date(parts[order[0]], parts[order[1]], parts[order[2]])
            except ValueError:
                return None
    return None


def parse_month(text: str) -> dt.date | None:
    """A typed month: "12.2026" or "2026-12" (a full date names its month); the first day of
    that month, or None when the text is no month."""
    match = _MONTH.match(text or "")
    if match:
        month, year = int(match.group(1)), int(match.group(2))
    else:
        match = _ISO_MONTH.match(text or "")
        if not match:
            day = parse_day(text)
            return day.replace(day=1) if day else None
        year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or year < 1:
        return None
    return dt.date(year, month, 1)


def parse_moment(text: str) -> dt.datetime | None:
    """A typed date with a time: "5.12.2026 14:30", "2026-12-05 14:30" or "2026-12-05T14:30"
    (a date alone is midnight); naive, in the user's time zone, or None."""
    text = (text or "").strip().replace("T", " ", 1)
    day_text, _sep, time_text = text.partition(" ")
    if "," in day_text:
        day_text = day_text.rstrip(",")
    day = parse_day(day_text)
    if day is None:
        return None
    hour = minute = 0
    if time_text.strip():
        match = _TIME.match(time_text.strip().lstrip(",").strip())
        if not match:
            return None
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour > 23 or minute > 59:
            return None
    return dt.datetime(day.year, day.month, day.day, hour, minute)


def _german() -> bool:
    return (get_language() or "de").split("-")[0] == "de"


def show_day(value: dt.date) -> str:
    """A date as these inputs show it: "05.12.2026" in German, "2026-12-05" in English."""
    return value.strftime("%d.%m.%Y") if _german() else value.isoformat()


def show_month(value: dt.date) -> str:
    """A month as these inputs show it: "12.2026" in German, "2026-12" in English."""
    return value.strftime("%m.%Y") if _german() else value.strftime("%Y-%m")


def day_placeholder() -> str:
    return gettext("YYYY-MM-DD")


def month_placeholder() -> str:
    return gettext("YYYY-MM")


class _TypedInput(forms.TextInput):
    """A text input showing a date-like value the reader's way; each kind names its
    placeholder and ``show`` (how a value reads)."""

    placeholder: Callable[[], str]
    show: Callable[[Any], str]
    css_class = "date-input"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {"autocomplete": "off", "class": self.css_class, "size": 10}
        super().__init__({**base, **(attrs or {})})

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        attrs = dict(attrs or {})
        attrs.setdefault("placeholder", type(self).placeholder())
        return super().get_context(name, value, attrs)

    def format_value(self, value: Any) -> str | None:
        if value in (None, ""):
            return None
        if isinstance(value, dt.date):
            return self.show(value)
        return str(value)


class DayInput(_TypedInput):
    """A text input for a date (see parse_day), placeholder "TT.MM.JJJJ" in German."""

    placeholder = staticmethod(day_placeholder)

    def show(self, value: Any) -> str:
        return show_day(value.date() if isinstance(value, dt.datetime) else value)


class MonthInput(_TypedInput):
    """A text input for a month (see parse_month), placeholder "MM.JJJJ" in German."""

    placeholder = staticmethod(month_placeholder)
    css_class = "month-input"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"size": 7, **(attrs or {})})

    def show(self, value: Any) -> str:
        return show_month(value)


class MomentInput(_TypedInput):
    """A text input for a date and time: "05.12.2026 14:30" in German."""

    placeholder = staticmethod(lambda: gettext("YYYY-MM-DD hh:mm"))
    css_class = "moment-input"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"size": 16, **(attrs or {})})

    def show(self, value: Any) -> str:
        if isinstance(value, dt.datetime):
            if timezone.is_aware(value):
                value = timezone.localtime(value)
            return f"{show_day(value.date())} {value:%H:%M}"
        return show_day(value)


def not_a(field: forms.Field, value: Any, message: str, placeholder: str) -> ValidationError:
    """The refusal of a typed value that is no date, month or number: ``message`` names the
    field's label, the value as typed and the format expected (``placeholder``)."""
    label = str(field.label) if field.label else gettext("This field")
    # The values as params, not formatted in: django-filter formats a filter's error again
    # (``message % params``), and a typed "%" then was a 500.
    return ValidationError(
        message,
        code="invalid",
        params={"field": label, "value": str(value).strip(), "format": placeholder},
    )


class DayField(forms.DateField):
    """A date typed as "5.12.2026", "05.12.2026" or "2026-12-05" in either language; an error
    names the field and the expected form."""

    widget = DayInput

    def to_python(self, value: Any) -> dt.date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        day = parse_day(str(value))
        if day is None:
            raise not_a(
                self,
                value,
                gettext("%(field)s: “%(value)s” is not a date (%(format)s)."),
                day_placeholder(),
            )
        return day


class MonthField(forms.DateField):
    """A month typed as "12.2026" or "2026-12"; its value is the month's first day."""

    widget = MonthInput

    def to_python(self, value: Any) -> dt.date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.date):
            return value.replace(day=1)
        month = parse_month(str(value))
        if month is None:
            raise not_a(
                self,
                value,
                gettext("%(field)s: “%(value)s” is not a month (%(format)s)."),
                month_placeholder(),
            )
        return month


class MomentField(forms.DateTimeField):
    """A date and time typed as "5.12.2026 14:30" or "2026-12-05 14:30", in the user's time
    zone."""

    widget = MomentInput

    def to_python(self, value: Any) -> dt.datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            moment = value
        elif isinstance(value, dt.date):
            moment = dt.datetime(value.year, value.month, value.day)
        else:
            parsed = parse_moment(str(value))
            if parsed is None:
                raise not_a(
                    self,
                    value,
                    gettext("%(field)s: “%(value)s” is not a date with a time (%(format)s)."),
                    gettext("YYYY-MM-DD hh:mm"),
                )
            moment = parsed
        return from_current_timezone(moment)


# Numbers with a decimal sign are typed, not spun: a browser's number input shows its own
# locale's decimal sign ("0.75" in an English Chromium) whatever the page's language. These
# inputs show "0,75" in the German UI and "0.75" in the English one, and read either in both.
_DECIMAL = re.compile(r"^\s*([+-]?)(\d*)(?:[.,](\d+))?\s*$")


def parse_decimal(text: str) -> Decimal | None:
    """A typed number: "0,75" or "0.75" in either language, "75", "-1,5"; a comma or a point
    is the decimal sign (no grouping: these are short values such as a threshold). None when
    the text is no such number."""
    match = _DECIMAL.match(text or "")
    if not match:
        return None
    sign, whole, fraction = match.groups()
    if not whole and not fraction:
        return None
    return Decimal(f"{sign}{whole or 0}.{fraction or 0}")


def show_decimal(value: Decimal | float | int) -> str:
    """A number as these inputs show it: "0,75" in German, "0.75" in English (no grouping)."""
    return formats.number_format(value, use_l10n=True)


class DecimalInput(forms.TextInput):
    """A text input for a number with a decimal sign (see parse_decimal); phones show their
    number keys."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {"autocomplete": "off", "inputmode": "decimal", "size": 6}
        super().__init__({**base, **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if value in (None, ""):
            return None
        if isinstance(value, Decimal | float | int) and not isinstance(value, bool):
            return show_decimal(value)
        return str(value)


class TypedDecimalField(forms.DecimalField):
    """A number typed as "0,75" or "0.75" in either language; an error names the field. Its
    range is the domain's rule (``<app>.rules``), checked where the value is used."""

    widget = DecimalInput

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        if isinstance(value, float | int) and not isinstance(value, bool):
            return Decimal(str(value))
        number = parse_decimal(str(value))
        if number is None:
            raise not_a(
                self,
                value,
                gettext("%(field)s: “%(value)s” is not a number (for example %(format)s)."),
                show_decimal(Decimal("0.75")),
            )
        return number
