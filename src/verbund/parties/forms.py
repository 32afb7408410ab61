"""The party form. It renders and parses input; every rule lives in the actions and rules."""

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from verbund.core.forms import DayField, id_param
from verbund.parties.filters import UserChoiceField
from verbund.parties.models import Party, PartyKind, Tag

PARTY_FORM_FIELDS = [
    "kind", "number", "name", "name2", "legal_form", "salutation", "title", "first_name", "last_name",
    "position", "birth_date", "organisation", "street", "postcode", "city", "country", "vat_id", "lei", "register_number",
    "phone", "email", "website", "status", "responsible",
]  # fmt: skip


class PartyForm(forms.ModelForm):
    class Meta:
        model = Party
        fields = PARTY_FORM_FIELDS

    def __init__(self, *args: Any, me: int | None = None, **kwargs: Any) -> None:
        """``me``: the user filling the form in, offered first as the responsible user."""
        super().__init__(*args, **kwargs)
        self.fields["number"].required = False
        self.fields["number"].help_text = _("Left empty, the next free number is assigned.")
        self.fields["name"].required = False
        self.fields["country"].widget.attrs["size"] = 3
        # A person's date of birth tells a sanctions hit on the same name from another person.
        self.fields["birth_date"] = DayField(
            required=False,
            label=_("Date of birth"),
            help_text=_("Screening tells namesakes apart by it."),
        )
        # A person's organisation is chosen from its file ("New contact"), never from a
        # select over every organisation.
        self.fields["organisation"] = forms.ModelChoiceField(
            queryset=Party.objects.filter(kind=PartyKind.ORGANISATION),
            required=False,
            widget=forms.HiddenInput,
        )
        # Active users to choose from; a deactivated user stays offered while still responsible,
        # so saving the form for another change never drops them.
        current = self.instance.responsible_id if self.instance.pk else None
        responsible = UserChoiceField(
            queryset=get_user_model().objects.filter(Q(is_active=True) | Q(pk=current)),
            required=False,
            empty_label=_("nobody"),
            label=_("Responsible"),
        )
        responsible.me = me
        self.fields["responsible"] = responsible
        self.fields["tags"] = forms.ModelMultipleChoiceField(
            queryset=Tag.objects.all(),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label=_("Tags"),
            initial=list(self.instance.tags.all()) if self.instance.pk else [],
        )
        self.fields["tag_names"] = forms.CharField(
            required=False,
            label=_("New tags"),
            help_text=_("Separated by commas, e.g. “Messe 2027, Neukunde”."),
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

    def tags_given(self) -> list[Tag | str]:
        """The tags ticked and the new ones typed (the action checks and finds the names)."""
        typed = self.cleaned_data.get("tag_names") or ""
        return [*self.cleaned_data.get("tags", []), *typed.split(",")]
