"""Duplicate candidates, "not a duplicate" decisions, merge records and bulk detection runs."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from verbund.core.jobs import ClaimedRun
from verbund.quality.matching import DEFAULT_THRESHOLD, Weights


class CandidateStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MERGED = "merged", _("Merged")
    REJECTED = "rejected", _("Not a duplicate")


class CandidateCategory(models.TextChoices):
    DUPLICATE = "duplicate", _("Duplicate")
    ERP = "erp", _("Duplicate in the ERP")


class DuplicateCandidate(models.Model):
    """A pair of parties that may be one real party, with its explainable score.

    Contract: ``party_a_id < party_b_id``; one row per pair. ``evidence`` lists every field
    comparison that counted ({field, label, level, level_label, weight}); ``points`` is their
    sum plus the prior and ``score`` the match probability. Category ``erp`` marks two records
    of one ERP source with different external ids (to be cleaned in the ERP). Pairs decided
    "not a duplicate" are never proposed again (see ``NotDuplicate``).
    """

    party_a = models.ForeignKey(
        "parties.Party", on_delete=models.CASCADE, related_name="+", verbose_name=_("party A")
    )
    party_b = models.ForeignKey(
        "parties.Party", on_delete=models.CASCADE, related_name="+", verbose_name=_("party B")
    )
    score = models.FloatField(_("score"))
    points = models.FloatField(_("points"), default=0)
    evidence = models.JSONField(_("evidence"), default=list, blank=True)
    category = models.CharField(
        _("category"),
        max_length=16,
        choices=CandidateCategory.choices,
        default=CandidateCategory.DUPLICATE,
    )
    cluster = models.PositiveIntegerField(_("cluster"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=CandidateStatus.choices, default=CandidateStatus.OPEN
    )
    run = models.ForeignKey(
        "DedupeRun",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="candidates",
        verbose_name=_("run"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("duplicate candidate")
        verbose_name_plural = _("duplicate candidates")
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["party_a", "party_b"], name="quality_candidate_pair_unique"
            ),
            models.CheckConstraint(
                condition=Q(party_a__lt=models.F("party_b")), name="quality_candidate_ordered"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "category", "-score"]),
            models.Index(fields=["party_b"]),
        ]

    def __str__(self) -> str:
        return f"{self.party_a_id} ~ {self.party_b_id} ({self.score:.2f})"


class NotDuplicate(models.Model):
    """A steward's decision that two parties are different: the pair is not proposed again.

    Contract: ``party_a_id < party_b_id``; one row per pair.
    """

    party_a = models.ForeignKey(
        "parties.Party", on_delete=models.CASCADE, related_name="+", verbose_name=_("party A")
    )
    party_b = models.ForeignKey(
        "parties.Party", on_delete=models.CASCADE, related_name="+", verbose_name=_("party B")
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("not a duplicate")
        verbose_name_plural = _("not duplicates")
        constraints = [
            models.UniqueConstraint(
                fields=["party_a", "party_b"], name="quality_notdup_pair_unique"
            ),
            models.CheckConstraint(
                condition=Q(party_a__lt=models.F("party_b")), name="quality_notdup_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party_a_id} != {self.party_b_id}"


class MergeRecord(models.Model):
    """One merge: ``source`` was merged into ``survivor``; everything needed to undo it.

    Contract: ``survivor_before`` holds the survivor's changed fields before the merge,
    ``values`` the values it took; ``moved`` holds what moved: ``relationships`` (ids and
    the side that pointed at the source), ``ended`` (links that would have become self-links
    or repeats, with their former end date), ``contacts`` (person ids) and ``apps`` (each
    app's ``reassign`` result by module). The source keeps its number and ERP key and
    redirects to the survivor until the merge is undone. ``cluster_head`` links the merges of
    one cluster merge to its first record (undone together).
    """

    source = models.ForeignKey(
        "parties.Party", on_delete=models.PROTECT, related_name="+", verbose_name=_("merged record")
    )
    survivor = models.ForeignKey(
        "parties.Party", on_delete=models.PROTECT, related_name="+", verbose_name=_("survivor")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("merged at"), auto_now_add=True)
    values = models.JSONField(_("chosen values"), default=dict, blank=True)
    survivor_before = models.JSONField(default=dict, blank=True)
    source_before = models.JSONField(default=dict, blank=True)
    moved = models.JSONField(default=dict, blank=True)
    report = models.JSONField(_("report"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The first merge of a cluster merged in one step; undo takes the whole cluster back.
    cluster_head = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cluster_members",
        verbose_name=_("merged with"),
    )

    class Meta:
        verbose_name = _("merge")
        verbose_name_plural = _("merges")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.source_id} -> {self.survivor_id}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class DedupeRun(ClaimedRun):
    """A bulk duplicate detection over all parties of one kind (CLI or background job); the
    worker claims it (``core.jobs``), and a run whose worker died is failed by the next sweep."""

    kind = models.CharField(_("kind"), max_length=16, default="organisation")
    threshold = models.FloatField(_("threshold"), default=DEFAULT_THRESHOLD)
    status = models.CharField(
        _("status"), max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    stats = models.JSONField(_("statistics"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("duplicate detection run")
        verbose_name_plural = _("duplicate detection runs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d %H:%M} ({self.status})"


class MatchModel(models.Model):
    """Comparison weights learnt from the customer's own records (``quality.training``).

    Contract: the newest row of a kind is the model detection uses (``detection.current_model``)
    when the kind has at least ``rules.MIN_RECORDS`` live records; ``weights`` is {comparison: {level: points}}, ``prior`` the log2 prior odds of a
    blocked pair, ``details`` m and u per level, iterations, convergence and pair count. Rows
    are never edited; training again adds a row, so the history of models stays visible.
    """

    kind = models.CharField(_("kind"), max_length=16, default="organisation")
    trained_at = models.DateTimeField(_("trained at"), auto_now_add=True)
    records = models.PositiveIntegerField(_("records"))
    pairs = models.PositiveIntegerField(_("candidate pairs"))
    prior = models.FloatField(_("prior"))
    weights = models.JSONField(_("weights"), default=dict)
    details = models.JSONField(_("details"), default=dict, blank=True)
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("trained match model")
        verbose_name_plural = _("trained match models")
        ordering = ["-trained_at", "-id"]
        indexes = [models.Index(fields=["kind", "-trained_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.trained_at:%Y-%m-%d %H:%M} ({self.records} records)"

    def as_weights(self) -> Weights:
        return Weights(kind=self.kind, prior=self.prior, points=self.weights)
