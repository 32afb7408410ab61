"""Forms of the hierarchy pages. They render and parse input; every rule lives in the actions
and rules."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from verbund.core.forms import DayField


class MoveForm(forms.Form):
    """Move a party with its subtree ("Umhängen"): the new parent (the party picker fills
    ``other``), the first day under it (today by default) and a note for the audit trail."""

    other = forms.IntegerField(
        widget=forms.HiddenInput, required=True, error_messages={"required": _("Choose a party.")}
    )
    on = DayField(label=_("Moves on"), required=True)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["on"].initial = dt.date.today


class AsOfForm(forms.Form):
    """The date a hierarchy page shows the structure on ("Stichtag"); empty: today's."""

    as_of = DayField(label=_("As of"), required=False)
