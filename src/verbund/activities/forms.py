"""The activity form: kind, date, subject, text. Rules live in the actions module."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from verbund.activities.models import Activity, ActivityKind
from verbund.core.forms import MomentField


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=ActivityKind.choices, initial=ActivityKind.CALL
    )
    happened_at = MomentField(label=_("Date"))
    subject = forms.CharField(label=_("Subject"), max_length=200)
    text = forms.CharField(
        label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, instance: Activity | None = None, **kwargs: Any) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "kind": instance.kind,
                "happened_at": timezone.localtime(instance.happened_at),
                "subject": instance.subject,
                "text": instance.text,
            }
        super().__init__(*args, **kwargs)
        if instance is None and not self.is_bound:
            self.initial.setdefault(
                "happened_at", timezone.localtime().replace(second=0, microsecond=0)
            )
