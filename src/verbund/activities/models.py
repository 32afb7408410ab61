"""Activities: the customer file's history of calls, visits, notes and mails."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityKind(models.TextChoices):
    CALL = "call", _("Call")
    VISIT = "visit", _("Visit")
    NOTE = "note", _("Note")
    MAIL = "mail", _("Mail")


class Activity(models.Model):
    """One contact moment with a party, logged by a user.

    Contract: ``party`` is the party the activity is filed under; ``happened_at`` is when it
    took place (not when it was typed in); ``user`` is who logged it; ``contact`` is the person
    spoken to, a contact of ``party`` when it was named (only on an organisation's file).
    Activities are written and deleted only through ``verbund.activities.actions`` (merges
    move them).
    """

    party = models.ForeignKey(
        "parties.Party",
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("party"),
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=ActivityKind.choices, default=ActivityKind.NOTE
    )
    happened_at = models.DateTimeField(_("date"))
    subject = models.CharField(_("subject"), max_length=200)
    text = models.TextField(_("text"), blank=True)
    # PROTECT as ``party``: parties are never deleted (merged or erased in place), and should
    # one ever be, the activities naming it must not silently forget who was spoken to.
    contact = models.ForeignKey(
        "parties.Party",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities_as_contact",
        verbose_name=_("contact person"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("user"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-happened_at", "-id"]
        indexes = [models.Index(fields=["party", "-happened_at", "-id"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"
