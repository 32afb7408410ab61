"""Sanctions lists as versioned snapshots, screening runs, hits with their review, ownership flags.

A list (``SanctionsList``) is one source such as OFAC SDN or the UN consolidated list; each
import creates a ``ListVersion`` holding a full snapshot of its entries (``ListEntry``), so an
update can be compared with the version before it and an old screening result stays
explainable. Only the list's ``current`` version is screened against.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from verbund.core.jobs import ClaimedRun


def _empty_list() -> list[str]:
    # Not ``default=list``: inside ListVersion's body ``list`` is the foreign key field.
    return []


class ListFormat(models.TextChoices):
    EU_XML = "eu-xml", _("EU consolidated list (XML 1.1)")
    EU_CSV = "eu-csv", _("EU consolidated list (CSV 1.1)")
    UN_XML = "un-xml", _("UN Security Council consolidated list (XML)")
    OFAC_CSV = "ofac-csv", _("OFAC SDN (sdn.csv, add.csv, alt.csv)")
    OFAC_XML = "ofac-xml", _("OFAC SDN (sdn.xml)")
    UK_XML = "uk-xml", _("UK Sanctions List (XML)")
    UK_CSV = "uk-csv", _("UK Sanctions List (CSV)")
    FTM = "ftm", _("OpenSanctions FollowTheMoney (JSON lines)")
    FTM_PEP = "ftm-pep", _("OpenSanctions PEPs, FollowTheMoney (JSON lines)")
    OPENSANCTIONS_CSV = "opensanctions-csv", _("OpenSanctions targets.simple.csv")


class EntrySchema(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANISATION = "organisation", _("Organisation")
    VESSEL = "vessel", _("Vessel")
    AIRCRAFT = "aircraft", _("Aircraft")
    OTHER = "other", _("Other")


class ListKind(models.TextChoices):
    """What a list's entries are: designated (a confirmed hit blocks the party) or politically
    exposed persons (a confirmed hit is a fact to know, never a block)."""

    SANCTIONS = "sanctions", _("Sanctions")
    PEP = "pep", _("PEP")


class SanctionsList(models.Model):
    """One list source (e.g. ``ofac-sdn``); ``current`` is the version screening uses."""

    key = models.SlugField(_("key"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=16, choices=ListKind.choices, default=ListKind.SANCTIONS
    )
    format = models.CharField(_("format"), max_length=32, choices=ListFormat.choices)
    active = models.BooleanField(_("active"), default=True)
    current = models.ForeignKey(
        "ListVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("current version"),
    )

    class Meta:
        verbose_name = _("sanctions list")
        verbose_name_plural = _("sanctions lists")
        ordering = ["key"]
        permissions = [
            ("review_hit", "Can review screening hits"),
            ("run_screening", "Can run screening"),
        ]

    def __str__(self) -> str:
        return self.name


class ListVersion(models.Model):
    """An imported snapshot of a list. Immutable once written; ``diff`` counts against the previous one."""

    list = models.ForeignKey(
        SanctionsList, on_delete=models.CASCADE, related_name="versions", verbose_name=_("list")
    )
    number = models.PositiveIntegerField(_("version"))
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    files = models.JSONField(_("files"), default=_empty_list)
    sha256 = models.CharField(_("checksum"), max_length=64, blank=True)
    published = models.CharField(_("published"), max_length=64, blank=True)
    entry_count = models.PositiveIntegerField(_("entries"), default=0)
    added = models.PositiveIntegerField(_("added"), default=0)
    changed = models.PositiveIntegerField(_("changed"), default=0)
    removed = models.PositiveIntegerField(_("removed"), default=0)
    diff = models.JSONField(
        _("changes"), default=dict, help_text=_("external ids added, changed and removed")
    )

    class Meta:
        verbose_name = _("list version")
        verbose_name_plural = _("list versions")
        ordering = ["list", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["list", "number"], name="compliance_listversion_unique")
        ]

    def __str__(self) -> str:
        return f"{self.list.key} v{self.number}"


class ListEntry(models.Model):
    """A designated person, organisation, vessel or aircraft in one list version.

    ``names`` is a list of ``{"name": str, "weak": bool}`` (the primary name first);
    ``birth_dates`` holds ``YYYY`` or ``YYYY-MM-DD`` strings; ``countries`` ISO 3166 alpha-2
    codes; ``identifiers`` ``{"type": str, "value": str}``. ``content_hash`` changes exactly
    when the entry's content changes, which is what update diffs and remembered dismissals use.
    """

    version = models.ForeignKey(ListVersion, on_delete=models.CASCADE, related_name="entries")
    external_id = models.CharField(_("list id"), max_length=128)
    schema = models.CharField(_("type"), max_length=16, choices=EntrySchema.choices)
    name = models.CharField(_("name"), max_length=500)
    names = models.JSONField(default=list)
    countries = models.JSONField(default=list)
    birth_dates = models.JSONField(default=list)
    identifiers = models.JSONField(default=list)
    programs = models.JSONField(default=list)
    remarks = models.TextField(blank=True)
    content_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("list entry")
        verbose_name_plural = _("list entries")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "external_id"], name="compliance_entry_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class RunTrigger(models.TextChoices):
    PARTY = "party", _("Party created or changed")
    LIST_UPDATE = "list_update", _("List update")
    ALL = "all", _("All parties")
    PARTIES = "parties", _("Selected parties")


class ScreeningStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")
    FAILED = "failed", _("Failed")


class ScreeningRun(ClaimedRun):
    """One screening pass: what triggered it, against which list versions, progress and result
    counts. The process doing it claims it (``core.jobs``); a run whose process died is failed
    by the next sweep."""

    trigger = models.CharField(_("trigger"), max_length=16, choices=RunTrigger.choices)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    threshold = models.FloatField(_("threshold"))
    versions = models.JSONField(_("list versions"), default=dict)
    total = models.PositiveIntegerField(_("parties to screen"), default=0)
    done = models.PositiveIntegerField(_("parties screened"), default=0)
    hit_count = models.PositiveIntegerField(_("hits"), default=0)
    new_hit_count = models.PositiveIntegerField(_("new hits"), default=0)
    status = models.CharField(
        _("status"), max_length=16, choices=ScreeningStatus.choices, default=ScreeningStatus.RUNNING
    )
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("screening run")
        verbose_name_plural = _("screening runs")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.trigger}"

    @property
    def progress(self) -> int:
        return int(100 * self.done / self.total) if self.total else (100 if self.finished_at else 0)


class HitStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PENDING = "pending", _("Confirmed, awaiting second review")
    CONFIRMED = "confirmed", _("Confirmed match")
    DISMISSED = "dismissed", _("False positive")
    OBSOLETE = "obsolete", _("No longer matching")


class Hit(models.Model):
    """A possible match of a party against a list entry, and its review.

    One row per (party, list, entry id). ``party_fingerprint`` and ``entry_hash`` record what
    was compared: a dismissal stays valid while both are unchanged and reopens otherwise.
    Confirmed hits block the party. With four-eyes review a first confirmation sets
    ``pending`` and a different reviewer must confirm.
    """

    party = models.ForeignKey(
        "parties.Party",
        on_delete=models.CASCADE,
        related_name="screening_hits",
        verbose_name=_("party"),
    )
    list = models.ForeignKey(
        SanctionsList, on_delete=models.CASCADE, related_name="hits", verbose_name=_("list")
    )
    entry = models.ForeignKey(
        ListEntry,
        null=True,
        on_delete=models.SET_NULL,
        related_name="hits",
        verbose_name=_("entry"),
    )
    entry_external_id = models.CharField(max_length=128)
    entry_hash = models.CharField(max_length=64)
    entry_name = models.CharField(_("listed name"), max_length=500)
    matched_name = models.CharField(_("matched name"), max_length=500)
    score = models.FloatField(_("score"))
    explanation = models.JSONField(default=dict)
    party_fingerprint = models.CharField(max_length=64)
    status = models.CharField(
        _("status"), max_length=16, choices=HitStatus.choices, default=HitStatus.OPEN
    )
    run = models.ForeignKey(
        ScreeningRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="hits"
    )
    first_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("screening hit")
        verbose_name_plural = _("screening hits")
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["party", "list", "entry_external_id"], name="compliance_hit_unique"
            )
        ]
        indexes = [models.Index(fields=["status", "id"]), models.Index(fields=["run"])]

    def __str__(self) -> str:
        return f"{self.party_id} ~ {self.entry_name} ({self.score:.2f})"


class OwnershipRegime(models.TextChoices):
    OFAC = "ofac", _("OFAC 50% rule (50% or more)")
    EU_UK = "eu_uk", _("EU/UK (more than 50%)")


class OwnershipFlag(models.Model):
    """A party owned by blocked parties above a regime's limit, with the chains that add up to it.

    ``chains`` is a list of ``{"path": [party ids from owner to owned], "shares": [percent per
    link], "effective": percent}``. Recomputed from scratch whenever shares, relationships or
    hits change, so a row exists exactly while the condition holds.
    """

    party = models.ForeignKey(
        "parties.Party", on_delete=models.CASCADE, related_name="ownership_flags"
    )
    regime = models.CharField(max_length=8, choices=OwnershipRegime.choices)
    share = models.DecimalField(max_digits=9, decimal_places=4)
    chains = models.JSONField(default=list)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ownership flag")
        verbose_name_plural = _("ownership flags")
        # By the column itself: ordering by "party" joins every party row in (a scan at 1M).
        ordering = ["party_id", "regime"]
        constraints = [
            models.UniqueConstraint(fields=["party", "regime"], name="compliance_ownership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.party_id} {self.regime} {self.share}%"


class RunFinding(models.Model):
    """What one screening run found, as it stood when the run wrote it: the run's report.

    Contract: one row per hit the run created, matched again or closed, written in the same
    transaction as that hit and never changed afterwards, so a run's report reads the same for
    ever however later runs and reviews change the hits. ``new`` says the run created the hit;
    ``status``, ``reason`` and the reviewer are the hit's as the run left it. ``hit`` points at
    the live hit while it exists. Rows of runs before this table were taken from the hits'
    last run when it was added (migration 0002).
    """

    run = models.ForeignKey(
        ScreeningRun, on_delete=models.CASCADE, related_name="findings", verbose_name=_("run")
    )
    hit = models.ForeignKey(Hit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    party = models.ForeignKey(
        "parties.Party", on_delete=models.PROTECT, related_name="+", verbose_name=_("party")
    )
    party_number = models.CharField(_("number"), max_length=32)
    party_name = models.CharField(_("party"), max_length=500)
    list_key = models.CharField(_("list"), max_length=64)
    entry_external_id = models.CharField(_("list id"), max_length=128)
    entry_name = models.CharField(_("listed name"), max_length=500)
    matched_name = models.CharField(_("matched name"), max_length=500)
    score = models.FloatField(_("score"))
    status = models.CharField(_("status"), max_length=16, choices=HitStatus.choices)
    new = models.BooleanField(_("new"), default=False)
    reason = models.TextField(_("reason"), blank=True)
    reviewed_by = models.CharField(_("reviewed by"), max_length=150, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    class Meta:
        verbose_name = _("run finding")
        verbose_name_plural = _("run findings")
        ordering = ["-score", "id"]

    def __str__(self) -> str:
        return f"#{self.run_id} {self.party_number} ~ {self.entry_name}"


class UploadStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class UploadStage(models.TextChoices):
    WAITING = "waiting", _("Waiting for a worker")
    READING = "reading", _("Reading and comparing the list")
    SCREENING = "screening", _("Screening parties against the changes")
    FINISHED = "finished", _("Finished")


class ListUpload(ClaimedRun):
    """A list file uploaded in the browser, imported by a background job (``compliance.uploads``).

    Contract: ``files`` lists the stored files ({name, path}) until the job has read them;
    ``version`` is the list version the import created, ``run`` the screening run against its
    added and changed entries (its progress is the second half of this upload's).
    """

    format = models.CharField(_("format"), max_length=32, choices=ListFormat.choices)
    list_key = models.CharField(_("list"), max_length=64, blank=True)
    files = models.JSONField(_("files"), default=_empty_list)
    rescreen = models.BooleanField(_("screen again"), default=True)
    status = models.CharField(
        _("status"), max_length=16, choices=UploadStatus.choices, default=UploadStatus.QUEUED
    )
    stage = models.CharField(
        _("stage"), max_length=16, choices=UploadStage.choices, default=UploadStage.WAITING
    )
    version = models.ForeignKey(
        ListVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    run = models.ForeignKey(
        ScreeningRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    error = models.TextField(_("error"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("list upload")
        verbose_name_plural = _("list uploads")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.format} #{self.pk} ({self.status})"


class ListUpdate(models.Model):
    """One ``verbund lists update`` pass: where the files came from, the versions it recorded,
    and the delta screening it ran.

    Contract: ``versions`` holds the ids of the list versions this pass created (lists whose
    files were unchanged are named in ``unchanged``); ``entry_run`` screened every party against
    the entries those versions added or changed, ``party_run`` the parties changed since
    ``parties_since`` (the start of the previous pass that screened) against every entry. A pass
    that failed records its error and created no version; one without screening
    (``screened`` false) does not move the next pass's ``parties_since``.
    """

    source = models.CharField(_("source"), max_length=1000)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ScreeningStatus.choices, default=ScreeningStatus.RUNNING
    )
    versions = models.JSONField(_("list versions"), default=_empty_list)
    unchanged = models.JSONField(_("unchanged lists"), default=_empty_list)
    screened = models.BooleanField(_("screened"), default=False)
    parties_since = models.DateTimeField(_("parties changed since"), null=True, blank=True)
    parties_changed = models.PositiveIntegerField(_("changed parties"), default=0)
    entry_run = models.ForeignKey(
        ScreeningRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    party_run = models.ForeignKey(
        ScreeningRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    new_hits = models.PositiveIntegerField(_("new hits"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("list update")
        verbose_name_plural = _("list updates")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.source} ({self.status})"


class PartyScreeningKey(models.Model):
    """When a party's name tokens (``PartyToken``) were last derived: the party's
    ``updated_at`` then, the fingerprint of its screened fields, and its normalised names.

    Contract: a live party whose ``updated_at`` differs from ``party_updated_at``, whose row
    names other ``rules`` than the running code's, or that has no row, has tokens that may be
    stale; ``list_updates.do_refresh_party_tokens`` derives them
    again. Every write path bumps ``updated_at`` (the changed-parties pass relies on it too).
    Whatever deletes rows otherwise (a data migration) deletes ``PartyTokenMark`` as well.
    """

    party = models.OneToOneField(
        "parties.Party", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    party_updated_at = models.DateTimeField()
    fingerprint = models.CharField(max_length=32)
    # The rules that derived the tokens (``screening.token_rules``): under others they are
    # stale, whichever process wrote them (an old worker during an upgrade).
    rules = models.CharField(max_length=16, default="")
    # {"kind": query kind, "names": [name_variants of each screened name]}: the engine's
    # readings of the party without its name normalisation (``delta_filter.party_readings``).
    readings = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"{self.party_id} {self.fingerprint}"


class PartyToken(models.Model):
    """One token a party's name may be looked up by in the screening engine
    (``delta_filter.reading_tokens``: ``+`` in front of two words joined, ``#`` in front of an
    identifier key): the inverted index (token -> parties) the delta screening uses to find
    the parties a new list entry can match."""

    party = models.ForeignKey("parties.Party", on_delete=models.CASCADE, related_name="+")
    token = models.TextField()
    # Screened as a person (persons match persons' entries, organisations the others').
    person = models.BooleanField(default=False)

    class Meta:
        # Covering: the delta's lookup of the parties holding some tokens, by kind, reads
        # the index alone (0.04 s against 0.33-0.48 s for 110,000 parties at 1M).
        indexes = [
            models.Index(fields=["token", "person", "party"], name="compliance_party_token_cov")
        ]

    def __str__(self) -> str:
        return f"{self.party_id} {self.token}"


class PartyTokenMark(models.Model):
    """How far the stored party tokens are known to be current (one row, id 1, or none before
    the first sync): every party with an ``updated_at`` before ``through`` had its tokens derived
    by the rules ``rules`` names (``screening.token_rules``), so a check of the tokens reads
    only the parties changed since (``screening.token_sync_state``). ``through`` lies a margin
    before the check that set it: a write that committed later than it began is still read.
    ``checked``: the last check that read every party (one runs at least weekly).

    No row, or another ``rules``: the next check reads every party (after a data migration
    that deleted keys; after an upgrade that reads names differently: every party whose key
    names other rules is derived again)."""

    through = models.DateTimeField()
    checked = models.DateTimeField()
    rules = models.CharField(max_length=32)

    def __str__(self) -> str:
        return f"{self.through:%Y-%m-%d %H:%M} {self.rules}"
