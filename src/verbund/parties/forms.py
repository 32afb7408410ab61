"""Forms of the web UI. They render and parse input; every rule lives in the actions modules."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from verbund.parties.models import Party, PartyKind
from verbund.relationships.models import RelationshipType

PARTY_FORM_FIELDS = [
    "kind", "number", "name", "name2", "legal_form", "salutation", "title", "first_name", "last_name",
    "position", "organisation", "street", "postcode", "city", "country", "vat_id", "lei", "register_number",
    "phone", "email", "website", "status",
]  # fmt: skip


def apply_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put the errors of an actions ValidationError on the form fields they name."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


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
        if value in (None, "") or not str(value).isdigit():
            return None
        return Party.objects.filter(pk=int(value)).only("id", "name", "number").first()

    def _post_clean(self) -> None:
        # The actions module validates the party (and maps its errors back), not the model form.
        return None

    def changes(self) -> dict[str, Any]:
        return {f: self.cleaned_data[f] for f in PARTY_FORM_FIELDS if f in self.cleaned_data}


class RelationshipTypeForm(forms.ModelForm):
    class Meta:
        model = RelationshipType
        fields = [
            "key", "name_de", "name_en", "label_forward_de", "label_forward_en", "label_inverse_de",
            "label_inverse_en", "symmetric", "structure", "from_kind", "to_kind", "rolls_up_revenue",
            "carries_share", "order", "colour",
        ]  # fmt: skip
        widgets = {"colour": forms.TextInput(attrs={"type": "color"})}

    def _post_clean(self) -> None:
        return None


class RelationshipForm(forms.Form):
    """Add a relationship: one choice "type + direction" shows the label as read from this party."""

    choice = forms.ChoiceField(label=_("Relationship"))
    other = forms.IntegerField(
        widget=forms.HiddenInput, required=True, error_messages={"required": _("Choose a party.")}
    )
    valid_from = forms.DateField(
        label=_("Valid from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_to = forms.DateField(
        label=_("Valid to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    share = forms.DecimalField(label=_("Share (%)"), required=False, max_digits=7, decimal_places=4)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.TextInput)

    def __init__(self, *args: Any, types: list[RelationshipType], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.types = {t.key: t for t in types}
        choices: list[tuple[str, Any]] = []
        for t in types:
            options = [(f"{t.key}:fwd", t.label_forward)]
            if not t.symmetric:
                options.append((f"{t.key}:inv", t.label_inverse))
            choices.append((t.name, options))
        choice_field = self.fields["choice"]
        assert isinstance(choice_field, forms.ChoiceField)
        choice_field.choices = choices

    def type_and_direction(self) -> tuple[RelationshipType, bool]:
        key, _, direction = self.cleaned_data["choice"].partition(":")
        return self.types[key], direction == "fwd"


class EndRelationshipForm(forms.Form):
    valid_to = forms.DateField(
        label=_("Last valid day"), widget=forms.DateInput(attrs={"type": "date"})
    )
