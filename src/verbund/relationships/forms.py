"""Forms of the relationship pages. They render and parse input; every rule lives in the
actions and rules."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from verbund.core.forms import DayField, TypedDecimalField
from verbund.core.serializers import NOTE_MAX_LENGTH
from verbund.relationships import rules
from verbund.relationships.models import Relationship, RelationshipType


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
    valid_from = DayField(label=_("Valid from"), required=False)
    valid_to = DayField(label=_("Valid to"), required=False)
    # Typed as "51,5" on German pages (a number input shows the browser's decimal sign).
    share = TypedDecimalField(label=_("Share (%)"), required=False, max_digits=7, decimal_places=4)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=NOTE_MAX_LENGTH, widget=forms.TextInput
    )

    def __init__(
        self, *args: Any, types: list[RelationshipType], kind: str = "", **kwargs: Any
    ) -> None:
        """``kind``: this party's kind; only the types and directions it may stand in are
        offered (a person is nobody's parent company)."""
        super().__init__(*args, **kwargs)
        self.types = {t.key: t for t in types}
        choices: list[tuple[str, Any]] = []
        for t in types:
            options = []
            if not kind or t.from_kind in ("any", kind):
                options.append((f"{t.key}:fwd", t.label_forward))
            if not t.symmetric and (not kind or t.to_kind in ("any", kind)):
                options.append((f"{t.key}:inv", t.label_inverse))
            if options:
                choices.append((t.name, options))
        choice_field = self.fields["choice"]
        assert isinstance(choice_field, forms.ChoiceField)
        choice_field.choices = choices

    def type_and_direction(self) -> tuple[RelationshipType, bool]:
        key, _, direction = self.cleaned_data["choice"].partition(":")
        return self.types[key], direction == "fwd"


class EndRelationshipForm(forms.Form):
    valid_to = DayField(label=_("Last valid day"))


class CorrectRelationshipForm(forms.Form):
    """Correct a stored link's dates, share and note (``actions.do_update_relationship``).
    The share has no bounds of its own here: its limits are the rule's, with the rule's words
    (``rules.share_error``), as the API answers them."""

    valid_from = DayField(label=_("Valid from"), required=False)
    valid_to = DayField(label=_("Valid to"), required=False)
    share = TypedDecimalField(label=_("Share (%)"), required=False)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=NOTE_MAX_LENGTH, widget=forms.TextInput
    )

    def __init__(self, *args: Any, rel: Relationship, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "valid_from": rel.valid_from,
                "valid_to": rel.valid_to,
                # 75,5, not the column's 75,5000
                "share": None if rel.share is None else Decimal(rules.share_key(rel.share)),
                "note": rel.note,
            },
        )
        super().__init__(*args, **kwargs)
        if not rel.type.carries_share and rel.share is None:
            del self.fields["share"]

    def changes(self) -> dict[str, Any]:
        """The values for the action, the share only where the form offers it."""
        return {name: self.cleaned_data[name] for name in self.fields}
