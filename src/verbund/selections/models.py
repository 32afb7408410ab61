"""Selections (Selektionen): the party list's filters saved under a name.

A selection stores the query parameters of the party list and of ``/api/v1/parties/`` as they
were given (``filters``: name -> value, or a list of values for a repeated parameter), checked
by ``rules.clean_filters`` against the one party FilterSet. Running it is filtering the
parties with them again: a selection is a saved question, not a saved list of parties.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from verbund.core.jobs import ClaimedRun


def _empty_filters() -> dict[str, object]:
    return {}


class Selection(models.Model):
    """A named set of party filters, private to its owner or shared with one role.

    Contract: ``name`` is unique per owner; ``filters`` passed ``rules.clean_filters``
    (only names the party FilterSet knows, every value valid when saved); ``shared_with``
    is a role (a Django group) whose members may open and run the selection, None for
    private. Only the owner changes or deletes it.
    """

    name = models.CharField(_("name"), max_length=200)
    filters = models.JSONField(_("filters"), default=_empty_filters, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("owner"),
    )
    shared_with = models.ForeignKey(
        "auth.Group",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("shared with role"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("selection")
        verbose_name_plural = _("selections")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="selection_owner_name_unique")
        ]
        indexes = [models.Index(fields=["shared_with", "name"], name="selection_shared")]

    def __str__(self) -> str:
        return self.name


class ChangeRunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


# A run in these statuses is unfinished: one per selection at a time (actions), swept when its
# worker dies (core.jobs).
CHANGE_RUN_OPEN = (ChangeRunStatus.QUEUED, ChangeRunStatus.RUNNING)


class ChangeRun(ClaimedRun):
    """A "Change all…" of a selection too big to change while the user waits (decision 0066),
    run in the background (``selections.tasks``): who started it, for which selection, what it
    changes, how far it got and how it ended.

    Contract: ``filters`` are the selection's filters when the user confirmed (the run changes
    what was counted then, even if the owner refilters meanwhile), ``changes`` what to change
    (``responsible``: a user id or null, present only when it changes; ``add_tags`` and
    ``remove_tags``: tag names). All or nothing: a failed run changed no party; a done one
    changed ``changed`` of its ``total`` parties. ``done`` is the count when the run ended;
    while it runs, its progress is in a file (``runs.progress``), since its transaction is
    still open."""

    selection = models.ForeignKey(
        Selection,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="change_runs",
        verbose_name=_("selection"),
    )
    selection_name = models.CharField(_("selection name"), max_length=200)
    filters = models.JSONField(_("filters"), default=_empty_filters, blank=True)
    changes = models.JSONField(_("changes"), default=_empty_filters, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ChangeRunStatus.choices, default=ChangeRunStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("parties selected"), default=0)
    done = models.PositiveIntegerField(_("parties handled"), default=0)
    changed = models.PositiveIntegerField(_("parties changed"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("change run")
        verbose_name_plural = _("change runs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["selection", "status"], name="change_run_open")]

    def __str__(self) -> str:
        return f"{self.selection_name} {self.created_at:%Y-%m-%d %H:%M} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in CHANGE_RUN_OPEN
