"""Forms of the quality pages. They render and parse input; every rule lives in the actions
and rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from verbund.core.forms import DecimalInput, TypedDecimalField
from verbund.quality.matching import DEFAULT_THRESHOLD


class RunForm(forms.Form):
    """Start a duplicate search. The threshold reads "0,75" and "0.75" in either language; the
    kind and the threshold's range are checked by ``actions.do_create_run`` (rules)."""

    threshold = TypedDecimalField(
        label=_("Threshold"),
        required=False,
        initial=DEFAULT_THRESHOLD,
        widget=DecimalInput(attrs={"class": "input-narrow", "size": 4}),
    )
