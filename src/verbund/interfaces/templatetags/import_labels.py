"""A run's row errors in the reader's language: ``{% load import_labels %}``, ``{{ e|row_reason }}``;
a run's duration as people read it: ``{{ run.duration|run_duration }}``.

A run stores each error's text in the language the worker ran in (German). An error on a party
field whose check lives in ``parties.rules.FIELD_ERRORS`` (country, VAT id, LEI, ...) is checked
again for the page, so an English reader reads "XX is not an ISO 3166 country code.", not
"XX ist kein Ländercode nach ISO 3166."; any other error keeps its stored text.
"""

from typing import Any

from django import template

from verbund.core.formatting import format_number
from verbund.parties.rules import FIELD_ERRORS

register = template.Library()


@register.filter
def row_reason(error: Any) -> str:
    if not isinstance(error, dict):
        return str(error)
    stored = str(error.get("reason", ""))
    check = FIELD_ERRORS.get(str(error.get("field", "")))
    value = error.get("value")
    if check is None or value in (None, ""):
        return stored
    try:
        again = check(str(value))
    except Exception:
        return stored
    return str(again) if again else stored


@register.filter
def run_duration(seconds: Any) -> str:
    """A run's duration: "0,42 s" under a minute (in the reader's decimals), "6 min 52 s" under
    an hour, "1 h 02 min" beyond (a large import reads as minutes, not as "3.712,09 s")."""
    if seconds is None or seconds == "":
        return ""
    value = float(seconds)
    if value < 59.995:
        return f"{format_number(value, 2)} s"
    whole = round(value)
    if whole < 3600:
        return f"{whole // 60} min {whole % 60} s"
    return f"{whole // 3600} h {whole % 3600 // 60:02d} min"
