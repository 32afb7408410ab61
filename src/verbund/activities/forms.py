"""The activity form: kind, date, contact person, subject, text. Rules live in the actions
module (and ``rules``)."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from verbund.activities import rules, selectors
from verbund.activities.models import Activity, ActivityKind
from verbund.core.forms import MomentField
from verbund.core.serializers import ID_MAX
from verbund.parties.models import Party, PartyKind


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=ActivityKind.choices, initial=ActivityKind.CALL
    )
    happened_at = MomentField(label=_("Date"))
    # An id, not a ChoiceField: a person who is no contact reaches the action's rule, so the
    # form and the API refuse it with one message.
    contact = forms.IntegerField(
        label=_("Contact person"),
        required=False,
        widget=forms.Select,
        min_value=1,
        max_value=ID_MAX,
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    text = forms.CharField(
        label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self,
        *args: Any,
        party: Party | None = None,
        instance: Activity | None = None,
        **kwargs: Any,
    ) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "kind": instance.kind,
                "happened_at": timezone.localtime(instance.happened_at),
                "contact": instance.contact_id,
                "subject": instance.subject,
                "text": instance.text,
            }
        super().__init__(*args, **kwargs)
        self.party = party if party is not None else getattr(instance, "party", None)
        if instance is None and not self.is_bound:
            self.initial.setdefault(
                "happened_at", timezone.localtime().replace(second=0, microsecond=0)
            )
        if self.party is None or self.party.kind != PartyKind.ORGANISATION:
            # A person's own file names nobody else.
            del self.fields["contact"]
            return
        choices: list[tuple[Any, Any]] = [("", _("— nobody named —"))]
        choices += selectors.contact_choices(self.party)
        named = getattr(instance, "contact", None)
        if named is not None and named.pk not in {c[0] for c in choices}:
            # Named when they were a contact: the correction keeps them choosable.
            choices.append((named.pk, named.display_name))
        field = self.fields["contact"]
        field.widget.choices = choices  # type: ignore[attr-defined]

    def clean_contact(self) -> Party | None:
        pk = self.cleaned_data.get("contact")
        if pk is None:
            return None
        found = Party.objects.filter(pk=pk).first()
        if found is None:
            raise ValidationError(rules.contact_error(self.party, pk, is_contact=False) or "")
        return found
