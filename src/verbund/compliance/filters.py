"""The FilterSets of screening hits and screening runs, shared by the UI lists and the API."""

from typing import Any

import django_filters
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from verbund.compliance.models import (
    Hit,
    HitStatus,
    ListKind,
    RunFinding,
    RunTrigger,
    SanctionsList,
    ScreeningRun,
)
from verbund.core.filters import DefaultsFilterSet, IdFilter

# Best first; the id makes the order total (cursor paging and the UI's pages agree).
HIT_ORDER = ["-score", "id"]
# Newest first.
RUN_ORDER = ["-id"]


class RunStatus(models.TextChoices):
    """The states a screening run passes through (``ScreeningRun.status``)."""

    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")
    FAILED = "failed", _("Failed")


class HitFilterSet(DefaultsFilterSet):
    """Open hits unless ``status`` says otherwise (``?status=``: every status)."""

    defaults = {"status": HitStatus.OPEN}

    status = django_filters.ChoiceFilter(
        choices=HitStatus.choices,
        label=_("Status"),
        empty_label=_("all"),
        help_text=_("Default: open. An empty status= lists every status."),
    )
    list = django_filters.ModelChoiceFilter(
        field_name="list",
        queryset=SanctionsList.objects.all(),
        to_field_name="key",
        label=_("List"),
        empty_label=_("all"),
    )
    kind = django_filters.ChoiceFilter(
        field_name="list__kind",
        choices=ListKind.choices,
        label=_("Kind of list"),
        empty_label=_("all"),
        help_text=_("Sanctions or PEP: PEP hits are shown apart and never block a party."),
    )
    party = IdFilter(field_name="party_id", label=_("Party"))
    run = IdFilter(
        method="found_in_run",
        label=_("Screening run"),
        help_text=_("The hits the run found (its snapshot), whichever run touched them last."),
    )

    class Meta:
        model = Hit
        fields = ["status", "list", "kind", "party", "run"]

    def found_in_run(self, queryset: QuerySet[Hit], name: str, value: Any) -> QuerySet[Hit]:
        # A hit points at the last run that touched it; what a run found is its findings.
        found = RunFinding.objects.filter(run_id=int(value), hit__isnull=False)
        return queryset.filter(pk__in=found.values("hit_id"))


class RunFilterSet(DefaultsFilterSet):
    status = django_filters.ChoiceFilter(
        choices=RunStatus.choices, label=_("Status"), empty_label=_("all")
    )
    trigger = django_filters.ChoiceFilter(
        choices=RunTrigger.choices, label=_("Trigger"), empty_label=_("all")
    )

    class Meta:
        model = ScreeningRun
        fields = ["status", "trigger"]


def hit_rows() -> QuerySet[Hit]:
    """Hits with their party and list joined, as the queue and the API show them."""
    return Hit.objects.select_related("party", "list")
