"""Follow-ups ("Wiedervorlagen"): reminders to come back to a party on a day, for a user."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class FollowUp(models.Model):
    """A reminder to contact ``party`` again on ``due_on``, assigned to a user.

    Contract: open while ``done_at`` is null; done when ``done_at`` is set, with ``done_by``
    who marked it and ``activity`` the activity logged on the way (if one was), both only on a
    done follow-up (constraint ``followup_done_fields``). ``assigned_to`` is null only when
    the user was deleted (users are normally deactivated; the follow-up stays on the file and
    the list, for someone to take over). Written only through ``verbund.followups.actions``;
    merges move them with their party.
    """

    # PROTECT as activities: parties are merged or erased in place, never deleted.
    party = models.ForeignKey(
        "parties.Party",
        on_delete=models.PROTECT,
        related_name="follow_ups",
        verbose_name=_("party"),
    )
    due_on = models.DateField(_("due on"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # the partial index below and (assigned_to, due_on) serve it
        verbose_name=_("assigned to"),
    )
    subject = models.CharField(_("subject"), max_length=200)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("done by"),
    )
    # The activity logged when it was done; deleting that activity leaves the follow-up done.
    activity = models.ForeignKey(
        "activities.Activity",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("activity"),
    )

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on", "id"]
        indexes = [
            # "My open follow-ups by due date": the start page and the list's default.
            models.Index(
                fields=["assigned_to", "due_on", "id"],
                condition=Q(done_at__isnull=True),
                name="followup_open_by_user",
            ),
            models.Index(fields=["assigned_to", "due_on"], name="followup_user_due"),
            # A file's follow-ups (and the merge's move).
            models.Index(fields=["party", "due_on", "id"], name="followup_party_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(done_at__isnull=False) | Q(done_by__isnull=True, activity__isnull=True),
                name="followup_done_fields",
            )
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_open(self) -> bool:
        return self.done_at is None


class ReminderMail(models.Model):
    """That ``user`` is mailed the reminder of ``day`` (``verbund followups remind``), with how
    many follow-ups: a second run for the same day passes them over (unique per user and day).

    Claimed before the mail goes out, by the ``run`` that sends it (``actions.
    do_claim_reminder_mails``; a run at the same moment finds the user taken and skips them),
    and released by that run when its mail fails (``do_release_reminder_mails``), so a row
    stands for a mail sent, or being sent. Holds no party data (the mail's content is not
    kept). Old rows are pruned by the command."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # the unique (user, day) serves it
        verbose_name=_("user"),
    )
    day = models.DateField(_("day"))
    follow_ups = models.PositiveIntegerField(_("follow-ups"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    # The run that claimed the row (random per run); empty on rows of runs before claims.
    run = models.CharField(_("run"), max_length=32, blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("reminder mail")
        verbose_name_plural = _("reminder mails")
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="remindermail_once_a_day")
        ]
        indexes = [models.Index(fields=["day"], name="remindermail_day")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day.isoformat()}"
