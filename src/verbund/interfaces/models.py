"""Import runs: every file import, API sync batch and export, recorded with its report."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from verbund.core.formatting import user_name
from verbund.core.jobs import ClaimedRun

# A run's counts by key, as people read them; a GLEIF skip reason not named here is shown as
# "skipped: <reason in words>".
COUNT_LABELS = {
    "rows": _("rows"),
    "created": _("created"),
    "updated": _("updated"),
    "unchanged": _("unchanged"),
    "archived": _("archived"),
    "ended": _("ended"),
    "links_created": _("links created"),
    "links_updated": _("links updated"),
    "links_ended": _("links ended"),
    "parties_created": _("parties created"),
    "parties_named": _("of them named from GLEIF Level 1"),
    "parties_lei_only": _("of them named only by their LEI"),
    "skipped_is_fund-managed_by": _("skipped: fund managed by"),
    "skipped_is_subfund_of": _("skipped: sub-fund of"),
    "skipped_is_feeder_to": _("skipped: feeder fund of"),
    "skipped_is_international_branch_of": _("skipped: international branch of"),
    "skipped_inactive": _("skipped: inactive"),
    "skipped": _("skipped"),
    "ultimate_checked": _("ultimate parents checked"),
    "errors": _("errors"),
    "warnings": _("warnings"),
}
# The same counts of a dry run, which wrote nothing: what a real run would do.
DRY_RUN_LABELS = {
    "created": _("would be created"),
    "updated": _("would be updated"),
    "archived": _("would be archived"),
    "ended": _("would be ended"),
    "links_created": _("links would be created"),
    "links_updated": _("links would be updated"),
    "links_ended": _("links would be ended"),
    "parties_created": _("parties would be created"),
}
# What a run writes: a failed run wrote none of it (it rolled back), so these are not shown.
WRITE_COUNTS = frozenset({
    "created", "updated", "archived", "ended", "links_created", "links_updated", "links_ended",
    "parties_created", "parties_named", "parties_lei_only",
})  # fmt: skip


def count_label(key: str, *, dry_run: bool = False) -> str:
    """A count's key as people read it; of a ``dry_run``, what would be written."""
    if dry_run and key in DRY_RUN_LABELS:
        return str(DRY_RUN_LABELS[key])
    if key in COUNT_LABELS:
        return str(COUNT_LABELS[key])
    if key.startswith("skipped_"):
        reason = key.removeprefix("skipped_").replace("_", " ").replace("-", " ")
        return str(_("skipped: %(reason)s") % {"reason": reason})
    return key


class ImportKind(models.TextChoices):
    PARTIES = "parties", _("Parties")
    RELATIONSHIPS = "relationships", _("Relationships")
    REVENUE = "revenue", _("Revenue")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportRun(ClaimedRun):
    """One import (file, API batch) of one kind from one source.

    Contract: a run is created before any data is touched and finished whatever happens:
    ``status`` ends as done (written, or a dry run) or failed (nothing written: an error
    made the all-or-nothing run roll back). ``counts`` holds created/updated/unchanged/
    ended/archived/errors; ``report`` holds the error list (row, field, value, reason),
    the archived keys of a full sync and a sample of differences. Runs are never deleted.
    The process executing the run claims it (``core.jobs``); a run whose process died is
    failed by the next sweep.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices)
    source = models.CharField(_("source"), max_length=32)
    mapping = models.CharField(_("mapping"), max_length=200, default="generic")
    format = models.CharField(_("format"), max_length=16, blank=True)
    channel = models.CharField(_("channel"), max_length=8, default="file")  # file, api, ui
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_path = models.CharField(max_length=500, blank=True, editable=False)
    file_hash = models.CharField(_("file hash (SHA-256)"), max_length=64, blank=True)
    file_size = models.BigIntegerField(_("file size"), default=0)
    dry_run = models.BooleanField(_("dry run"), default=False)
    full = models.BooleanField(_("full sync"), default=False)
    skip_invalid = models.BooleanField(_("skip invalid rows"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    report = models.JSONField(_("report"), default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("user"),
    )
    # Who started the run by name: the user's login, or on the command line the OS user or
    # ``--actor`` (a name that need not be a Verbund user).
    actor_name = models.CharField(_("started by"), max_length=150, blank=True)
    # The dry run this run writes for real (``do_confirm_dry_run``): the dry run's page links
    # to it and is not confirmed a second time while it stands.
    confirms = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="confirmations",
        verbose_name=_("confirms the dry run"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    duration = models.FloatField(_("duration (s)"), null=True, blank=True)

    class Meta:
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.source} #{self.pk}"

    @property
    def count_items(self) -> list[tuple[str, int]]:
        """The counts that are not zero, as (label, number), in the run's order; of a failed
        run (rolled back, nothing written) only what was read and found, not what it would
        have written; of a dry run, what it would write ("would be created")."""
        failed = self.status == ImportStatus.FAILED
        return [
            (count_label(k, dry_run=self.dry_run), v)
            for k, v in self.counts.items()
            if v and not (failed and k in WRITE_COUNTS)
        ]

    @property
    def actor_label(self) -> str:
        """Who started the run, as the pages show it."""
        if self.actor is not None:
            return user_name(self.actor)
        return self.actor_name or "—"

    @property
    def error_count(self) -> int:
        return int(self.counts.get("errors", 0) or 0)

    @property
    def written(self) -> bool:
        return self.status == ImportStatus.DONE and not self.dry_run
