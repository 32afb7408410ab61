"""The party form. It renders and parses input; every rule lives in the actions and rules."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from verbund.core.forms import id_param
from verbund.parties.models import Party, PartyKind

PARTY_FORM_FIELDS = [
    "kind", "number", "name", "name2", "legal_form", "salutation", "title", "first_name", "last_name",
    "position", "organisation", "street", "postcode", "city", "country", "vat_id", "lei", "register_number",
    "phone", "email", "website", "status",
]  # fmt: skip


class PartyForm(forms.ModelForm):
    class Meta:
        model = Party
        fields = PARTY_FORM_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["number"].required = False
        self.fields["number"].help_text = _("Left empty, the next free number is assigned.")
        self.fields["name"].required = False
        self.fields["country"].widget.attrs["size"] = 3
        # A person's organisation is chosen from its file ("New contact"), never from a
        # select over every organisation.
        self.fields["organisation"] = forms.ModelChoiceField(
            queryset=Party.objects.filter(kind=PartyKind.ORGANISATION),
            required=False,
            widget=forms.HiddenInput,
        )

    def organisation_shown(self) -> Party | None:
        value = self["organisation"].value()
        if isinstance(value, Party):
            return value
        pk = id_param(value)
        if pk is None:
            return None
        return Party.objects.filter(pk=pk).only("id", "name", "number").first()

    def _post_clean(self) -> None:
        # The actions module validates the party (and maps its errors back), not the model form.
        return None

    def changes(self) -> dict[str, Any]:
        return {f: self.cleaned_data[f] for f in PARTY_FORM_FIELDS if f in self.cleaned_data}
