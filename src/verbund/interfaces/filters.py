"""The FilterSet of import runs, shared by the import page's history and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from verbund.core.filters import DefaultsFilterSet, YesNoFilter
from verbund.interfaces.models import ImportKind, ImportRun, ImportStatus

# Newest first.
RUN_ORDER = ["-id"]
# ImportRun.channel: how a run came in (the model names no choices).
CHANNELS = [
    ("file", _("file")),
    ("cli", _("command line")),
    ("ui", _("upload")),
    ("api", _("API")),
    ("bench", _("benchmark")),
]


class ImportRunFilterSet(DefaultsFilterSet):
    kind = django_filters.ChoiceFilter(
        choices=ImportKind.choices, label=_("What"), empty_label=_("all")
    )
    source = django_filters.CharFilter(label=_("Source system"), max_length=32)
    status = django_filters.ChoiceFilter(
        choices=ImportStatus.choices, label=_("Status"), empty_label=_("all")
    )
    channel = django_filters.ChoiceFilter(
        choices=CHANNELS, label=_("Channel"), empty_label=_("all")
    )
    dry_run = YesNoFilter(label=_("dry run"))

    class Meta:
        model = ImportRun
        fields = ["kind", "source", "status", "channel", "dry_run"]
