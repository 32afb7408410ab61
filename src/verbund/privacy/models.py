"""Data protection (DSGVO): the privacy log, legal holds and consents/objections.

The privacy log itself holds no personal data: who acted, when, on which party id, under which
article and why. Erased ERP keys are remembered in ``parties.ErasedKey`` (the ERP import, a
lower layer, reads them there).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from verbund.core.jobs import ClaimedRun


class Article(models.TextChoices):
    ACCESS = "art15", _("Art. 15 GDPR (access)")
    ERASURE = "art17", _("Art. 17 GDPR (erasure)")
    RESTRICTION = "art18", _("Art. 18 GDPR (legal hold)")
    OBJECTION = "art21", _("Art. 21 GDPR (objection)")
    RETENTION = "art5", _("Art. 5(1)(e) GDPR (storage limitation)")


class PrivacyAction(models.TextChoices):
    EXPORT = "export", _("Data exported")
    ERASE = "erase", _("Personal data erased")
    HOLD = "hold", _("Legal hold set")
    LIFT = "lift", _("Legal hold lifted")
    RELEASE_KEY = "release_key", _("Erased ERP key released for import")
    RETENTION = "retention", _("Retention run")


class PrivacyLog(models.Model):
    """One act of the privacy role: who, when, which party id, which article, why.

    Contract: no personal data of the party -- ``party_id`` is a plain number (no foreign key, so
    the entry outlives anything), ``reason`` is what the privacy officer typed (the forms ask
    for a reference, not a name).
    """

    at = models.DateTimeField(_("at"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    party_id = models.BigIntegerField(_("party id"), null=True, blank=True, db_index=True)
    action = models.CharField(_("action"), max_length=16, choices=PrivacyAction.choices)
    article = models.CharField(_("article"), max_length=8, choices=Article.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("privacy log entry")
        verbose_name_plural = _("privacy log")
        ordering = ["-at", "-id"]
        permissions = [
            ("export_personal_data", _("Can export a person's data (Art. 15)")),
            ("erase_personal_data", _("Can erase a person's data (Art. 17)")),
            ("run_retention", _("Can run the retention rules")),
            ("apply_retention", _("Can apply the retention rules (erase what is due)")),
            ("export_advertising", _("Can export the advertising selection (contact data)")),
        ]
        indexes = [models.Index(fields=["action", "party_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} #{self.party_id}"


class LegalHold(models.Model):
    """A hold set by the privacy role: the party's data must be kept until ``until`` (a court
    case, a tax audit, ...). Erasure is refused while a hold is in force; lifting sets
    ``lifted_at`` (the row stays, as the record of the hold)."""

    party = models.ForeignKey(
        "parties.Party",
        on_delete=models.PROTECT,
        related_name="legal_holds",
        verbose_name=_("party"),
    )
    until = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=500)
    created_at = models.DateTimeField(_("set"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        ordering = ["-until", "-id"]

    def __str__(self) -> str:
        return f"#{self.party_id} {self.until:%Y-%m-%d}"


class Channel(models.TextChoices):
    POST = "post", _("Post")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")


class Purpose(models.TextChoices):
    ADVERTISING = "advertising", _("Advertising")
    NEWSLETTER = "newsletter", _("Newsletter")


class ConsentStatus(models.TextChoices):
    GRANTED = "granted", _("Consent granted")
    WITHDRAWN = "withdrawn", _("Consent withdrawn")
    OBJECTED = "objected", _("Objected")


class Consent(models.Model):
    """What a person said about one channel and purpose (Art. 21 GDPR, § 7 UWG), with date and
    source. Every statement is kept (the proof of consent); the latest by ``date`` and id is
    the one in force (``selectors.current_consents``)."""

    party = models.ForeignKey(
        "parties.Party", on_delete=models.PROTECT, related_name="consents", verbose_name=_("party")
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    status = models.CharField(_("status"), max_length=16, choices=ConsentStatus.choices)
    date = models.DateField(_("date"))
    source = models.CharField(_("source"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("consent or objection")
        verbose_name_plural = _("consents and objections")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["party", "channel", "purpose", "-date", "-id"]),
            models.Index(fields=["purpose", "status"]),
        ]

    def __str__(self) -> str:
        return f"#{self.party_id} {self.channel}/{self.purpose}: {self.status}"


class RetentionStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


# A run in these statuses is unfinished: one at a time (actions), swept when its worker dies.
RETENTION_OPEN = (RetentionStatus.QUEUED, RetentionStatus.RUNNING)


class RetentionRun(ClaimedRun):
    """One application of the retention rules started on the retention page, run in the
    background (``privacy.tasks``): what was due when it started, how far it got, what it
    erased, kept under a hold and was refused. The CLI applies the same rules without a row."""

    status = models.CharField(
        _("status"), max_length=16, choices=RetentionStatus.choices, default=RetentionStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("parties due"), default=0)
    done = models.PositiveIntegerField(_("parties handled"), default=0)
    erased = models.PositiveIntegerField(_("erased"), default=0)
    held = models.PositiveIntegerField(_("kept under a legal hold"), default=0)
    refused = models.PositiveIntegerField(_("refused"), default=0)
    refusals = models.JSONField(_("refusals"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in RETENTION_OPEN

    @property
    def progress(self) -> int:
        if self.total:
            return int(100 * self.done / self.total)
        return 0 if self.is_open else 100
