"""The follow-up forms: due date, assignee, subject, note; and what happened on completion.
Rules live in the actions module (and ``rules``)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from verbund.activities.models import ActivityKind
from verbund.core.forms import DayField
from verbund.core.serializers import NOTE_MAX_LENGTH
from verbund.followups import selectors
from verbund.followups.models import FollowUp
from verbund.followups.serializers import ACTIVITY_TEXT_MAX, SUBJECT_MAX


class FollowUpForm(forms.Form):
    due_on = DayField(label=_("Due on"))
    # An id, not a ModelChoiceField: a deactivated user reaches the action's rule, so the form
    # and the API refuse with one message.
    assigned_to = forms.TypedChoiceField(label=_("Assigned to"), coerce=int)
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_MAX)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self, *args: Any, user: Any = None, instance: FollowUp | None = None, **kwargs: Any
    ) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "due_on": instance.due_on,
                "assigned_to": instance.assigned_to_id,
                "subject": instance.subject,
                "note": instance.note,
            }
        super().__init__(*args, **kwargs)
        if instance is None and user is not None:
            self.initial.setdefault("assigned_to", user.pk)
        current = instance.assigned_to if instance is not None else None
        field = self.fields["assigned_to"]
        field.choices = selectors.user_choices(current)  # type: ignore[attr-defined]

    def clean_assigned_to(self) -> Any:
        from django.contrib.auth import get_user_model

        return get_user_model().objects.filter(pk=self.cleaned_data["assigned_to"]).first()


class CompleteForm(forms.Form):
    """What happened (optional): with a text, an activity is logged on the file."""

    activity_kind = forms.ChoiceField(
        label=_("Kind"), choices=ActivityKind.choices, initial=ActivityKind.CALL
    )
    activity_text = forms.CharField(
        label=_("What happened?"),
        required=False,
        max_length=ACTIVITY_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("With a text, it is logged as an activity on the file."),
    )
