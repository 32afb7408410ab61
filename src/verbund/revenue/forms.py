"""The period form of the revenue overview, its drill-down and the central settlement view.

It renders and reads the page's fields; the rules are the API's (``analysis.period_param``
and its neighbours, decision 0013: one refusal for API, command line and page). The months
are typed the reader's way ("12.2026" in German, "2026-12" in English; ``core.forms``); a
refusal of the rule is put on the field it names (``core.forms.apply_errors``, as every form
does) and told with that field's label, so the page says "Bis Monat: …" where the API says
``to``.
"""

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from verbund.core.forms import MonthField, apply_errors, month_placeholder, not_a
from verbund.revenue.periods import parse_month


class PeriodMonthField(MonthField):
    """A month as the period rule takes it (``periods.parse_month``: the years 1900 to 9999),
    typed the reader's way; anything else is refused in the field's own terms, with its label
    and the form it is typed in ("Von Monat: „13.2026“ ist kein Monat (MM.JJJJ).")."""

    def to_python(self, value: Any) -> dt.date | None:
        month = super().to_python(value)
        if month is None:
            return None
        try:
            return parse_month(f"{month.year:04d}-{month.month:02d}")
        except ValidationError:
            raise not_a(
                self, value, str(_("%(field)s: “%(value)s” is not a month (%(format)s).")),
                month_placeholder(),
            ) from None  # fmt: skip


class PeriodForm(forms.Form):
    """The page's fields under the API's names (``from`` and ``to`` too); the selects are
    checked by the rule, not by the form, so that page and API refuse a value alike."""

    kind = forms.CharField(label=_("Ranking of"), required=False)
    span = forms.CharField(label=_("Period"), required=False)
    year = forms.CharField(label=_("Year"), required=False)
    quarter = forms.CharField(label=_("Quarter"), required=False)
    mode = forms.CharField(label=_("Structure"), required=False)
    sort = forms.CharField(label=_("Sort order"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # "from" is a keyword in Python: the two month fields are added under their names.
        self.fields["from"] = PeriodMonthField(label=_("From month"), required=False)
        self.fields["to"] = PeriodMonthField(label=_("To month"), required=False)
        self.order_fields(["kind", "span", "year", "quarter", "from", "to", "mode", "sort"])

    def refuse(self, exc: ValidationError) -> None:
        """Put a refusal of the rule on the fields it names (the API's names are the form's)."""
        apply_errors(self, exc)

    def messages(self) -> list[str]:
        """Every error, each naming its field as the form labels it; a typed field's own
        message names it already ("Von Monat: „13.2026“ ist kein Monat (MM.JJJJ).")."""
        out: list[str] = []
        for name, errors in self.errors.items():
            field = self.fields.get(name)
            label = str(field.label) if field is not None and field.label else ""
            for message in errors:
                text = str(message)
                if label and not text.startswith(f"{label}:"):
                    text = _("%(field)s: %(message)s") % {"field": label, "message": text}
                out.append(text)
        return out

    def typed(self, name: str) -> str:
        """What the user typed into a field, to show it again beside its error."""
        return str(self.data.get(name) or "")
