"""The activity form: kind, date, contact person, subject, text. Rules live in the actions
module (and ``rules``)."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from verbund.activities import rules, selectors
from verbund.activities.models import Activity, ActivityKind
from verbund.core.forms import MomentField, id_param
from verbund.core.serializers import ID_MAX
from verbund.parties.models import Party, PartyKind

# Up to this many contacts the form lists them in a select; above, it searches among them.
CONTACT_SELECT_LIMIT = 50


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
        # The contacts are read only when the field is shown (``contact_options``): a POST
        # checks the one person chosen (the action's rule), not the organisation's list.
        self._instance = instance

    @cached_property
    def contact_options(self) -> dict[str, Any]:
        """How the page offers the contact person: a select of the organisation's contacts
        (``choices``, also set on the widget), or above CONTACT_SELECT_LIMIT of them a search
        among them (``choices`` None) showing the person the field holds (``chosen``: id and
        name, or None)."""
        assert self.party is not None
        found = selectors.contact_choices(self.party, limit=CONTACT_SELECT_LIMIT)
        named = getattr(self._instance, "contact", None)
        if len(found) > CONTACT_SELECT_LIMIT:
            return {"choices": None, "chosen": self._chosen(named)}
        choices: list[tuple[Any, Any]] = [("", _("— nobody named —")), *found]
        if named is not None and named.pk not in dict(found):
            # Named when they were a contact: the correction keeps them choosable.
            choices.append((named.pk, named.display_name))
        self.fields["contact"].widget.choices = choices  # type: ignore[attr-defined]
        return {"choices": choices, "chosen": None}

    def _chosen(self, named: Party | None) -> tuple[int, str] | None:
        """The person the field holds (the submitted id, else the activity's), named."""
        pk = id_param(self["contact"].value())
        if pk is None:
            return None
        person = (
            named
            if named is not None and named.pk == pk
            else Party.objects.filter(pk=pk, kind=PartyKind.PERSON).first()
        )
        return (
            (pk, selectors.contact_label(person.display_name, person.position)) if person else None
        )

    def clean_contact(self) -> Party | None:
        pk = self.cleaned_data.get("contact")
        if pk is None:
            return None
        found = Party.objects.filter(pk=pk).first()
        if found is None:
            raise ValidationError(rules.contact_error(self.party, pk, is_contact=False) or "")
        return found
