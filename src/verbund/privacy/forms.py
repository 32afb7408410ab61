"""Forms of the privacy pages: the rules live in ``privacy.rules``, called by the actions."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from verbund.core.forms import DayField
from verbund.privacy.models import Channel, ConsentStatus, Purpose


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        help_text=_("The request's reference, not the person's name."),
    )


class HoldForm(ReasonForm):
    until = DayField(label=_("Keep until"))


class ConsentForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices)
    status = forms.ChoiceField(label=_("Status"), choices=ConsentStatus.choices)
    date = DayField(label=_("Date"))
    source = forms.CharField(label=_("Source"), max_length=200, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not self.is_bound:
            self.initial.setdefault("date", timezone.localdate())


class AdvertisingForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.POST)
    # A saved selection to start from (its visibility is checked by the view); empty: everyone.
    selection = forms.IntegerField(
        label=_("Selection"), required=False, min_value=1, widget=forms.HiddenInput
    )


class LetterForm(forms.Form):
    # Printed as "Ihr Zeichen" and entered in the privacy log as the answer's reason.
    reference = forms.CharField(
        label=_("Reference"),
        max_length=100,
        required=False,
        help_text=_("The request's reference, not the person's name."),
    )
