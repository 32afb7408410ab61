"""Cross-domain records: the audit trail, number sequences and user preferences."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditRecord(models.Model):
    """One write, as the actions module performed it: who, when, which object, before and after.

    ``before`` is null for a creation, ``after`` is null for a deletion. Records are only ever
    added, never changed. ``party_id`` is set whenever the write concerns a party (directly or
    through one of its relationships), so a party's history is one indexed query.
    """

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("user"),
    )
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    party_id = models.BigIntegerField(null=True, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["party_id", "-at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"

    def changed_fields(self) -> list[tuple[str, object, object]]:
        """Fields whose value differs between before and after, as (field, old, new)."""
        before = self.before or {}
        after = self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


class NumberSequence(models.Model):
    """A named counter for human-readable numbers (party numbers). Rows are locked on use."""

    name = models.CharField(max_length=32, unique=True)
    next_value = models.BigIntegerField(default=1)

    class Meta:
        verbose_name = _("number sequence")

    def __str__(self) -> str:
        return f"{self.name}: {self.next_value}"


class UserProfile(models.Model):
    """Per-user preferences: the UI language, recently opened party files and whether the daily
    reminder mail comes (``reminder_mail``; a user without a profile gets it)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="de"
    )
    recent_party_ids = models.JSONField(default=list, blank=True)
    reminder_mail = models.BooleanField(_("daily reminder by e-mail"), default=True)

    class Meta:
        verbose_name = _("user profile")

    def __str__(self) -> str:
        return f"{self.user} ({self.language})"
