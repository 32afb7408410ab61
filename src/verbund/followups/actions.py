"""Every write to follow-ups: create, change, complete (logging an activity on the way),
reopen and delete, atomic and audited; and the record of the reminder mails: claimed before
sending, released when the mail fails."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from verbund.activities.actions import do_create_activity
from verbund.activities.models import ActivityKind
from verbund.core import audit
from verbund.core.bulk import chunks
from verbund.core.serializers import UNKNOWN_FIELD
from verbund.followups import rules
from verbund.followups.models import FollowUp, ReminderMail
from verbund.parties.models import Party

EDITABLE_FIELDS = {"due_on", "assigned_to", "subject", "note"}
# The fields of the activity logged on completion, under the names the form and the API use.
ACTIVITY_FIELDS = {"kind": "activity_kind", "subject": "activity_subject", "text": "activity_text"}


def _as_date(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValidationError(
                {"due_on": [_("%(value)s is not a date.") % {"value": value}]}
            ) from None
    return value or None


def _as_user(value: Any) -> Any:
    if value is None or hasattr(value, "is_active"):
        return value
    found = get_user_model().objects.filter(pk=value).first()
    if found is None:
        raise ValidationError({"assigned_to": [_("No such user.")]})
    return found


def _validate(follow_up: FollowUp, *, check_due: bool, check_assignee: bool) -> None:
    """The follow-up's rules; the due date and the assignee are checked when they are set, so
    that a follow-up long overdue, or of a user since deactivated, can still be corrected."""
    errors: dict[str, list[str]] = {}
    if message := rules.subject_error(follow_up.subject):
        errors["subject"] = [message]
    if check_due and (message := rules.due_on_error(follow_up.due_on, timezone.localdate())):
        errors["due_on"] = [message]
    if check_assignee and (message := rules.assignee_error(follow_up.assigned_to)):
        errors["assigned_to"] = [message]
    if follow_up.party_id and getattr(follow_up.party, "merged_into_id", None):
        errors["party"] = [_("This party was merged into another; file the follow-up there.")]
    if errors:
        raise ValidationError(errors)


def _locked(follow_up: FollowUp) -> FollowUp | None:
    return (
        # Only the follow-up's row: PostgreSQL locks no nullable side of an outer join.
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("party", "assigned_to")
        .filter(pk=follow_up.pk)
        .first()
    )


@transaction.atomic
def do_create_follow_up(
    *,
    actor: Any,
    party: Party,
    due_on: Any,
    subject: str,
    assigned_to: Any = None,
    note: str = "",
) -> FollowUp:
    """A follow-up on ``party`` due on ``due_on``; assigned to the actor unless another user
    is named."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    follow_up = FollowUp(
        party=party,
        due_on=_as_date(due_on),
        subject=(subject or "").strip(),
        note=note or "",
        assigned_to=_as_user(assigned_to) if assigned_to is not None else user,
        created_by=user,
    )
    _validate(follow_up, check_due=True, check_assignee=True)
    follow_up.save()
    audit.record(
        actor=actor,
        action="followup.create",
        obj=follow_up,
        after=audit.snapshot(follow_up),
        party_id=party.pk,
    )
    return follow_up


@transaction.atomic
def do_change_follow_up(follow_up: FollowUp, *, actor: Any, **changes: Any) -> FollowUp:
    """Reschedule (``due_on``), reassign (``assigned_to``) or reword (``subject``, ``note``) a
    follow-up, open or done; unchanged edits are not audited."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError({f: [UNKNOWN_FIELD] for f in sorted(unknown)})
    locked = _locked(follow_up)
    if locked is None:
        raise FollowUp.DoesNotExist
    follow_up = locked
    before = audit.snapshot(follow_up)
    for field, value in changes.items():
        if field == "due_on":
            value = _as_date(value)
        elif field == "assigned_to":
            value = _as_user(value)
        elif field == "subject":
            value = (value or "").strip()
        elif field == "note":
            value = value or ""
        setattr(follow_up, field, value)
    _validate(
        follow_up,
        check_due=follow_up.due_on != dt.date.fromisoformat(before["due_on"]),
        check_assignee=follow_up.assigned_to_id != before["assigned_to_id"],
    )
    after = audit.snapshot(follow_up)
    if {k: v for k, v in after.items() if k != "updated_at"} == {
        k: v for k, v in before.items() if k != "updated_at"
    }:
        return follow_up
    follow_up.save()
    audit.record(
        actor=actor,
        action="followup.update",
        obj=follow_up,
        before=before,
        after=audit.snapshot(follow_up),
        party_id=follow_up.party_id,
    )
    return follow_up


@transaction.atomic
def do_complete_follow_up(
    follow_up: FollowUp,
    *,
    actor: Any,
    log_activity: bool = False,
    activity_kind: str = "",
    activity_subject: str = "",
    activity_text: str = "",
) -> FollowUp:
    """Mark a follow-up done; with ``log_activity`` the activity that says what happened is
    logged on the party's file (through the activities' own action, in this transaction) and
    linked. Kind and subject default to the activity's default kind and the follow-up's
    subject.

    A follow-up done already stays as it is and nothing is logged: a second click, or two
    users at once, must not log what happened twice."""
    locked = _locked(follow_up)
    if locked is None:
        raise FollowUp.DoesNotExist
    follow_up = locked
    if follow_up.done_at is not None:
        return follow_up
    before = audit.snapshot(follow_up)
    if log_activity:
        try:
            follow_up.activity = do_create_activity(
                actor=actor,
                party=follow_up.party,
                subject=(activity_subject or "").strip() or follow_up.subject,
                kind=activity_kind or ActivityKind.NOTE,
                text=activity_text or "",
            )
        except ValidationError as exc:
            raise ValidationError(
                {ACTIVITY_FIELDS.get(k, k): v for k, v in exc.message_dict.items()}
            ) from None
    follow_up.done_at = timezone.now()
    follow_up.done_by = actor if getattr(actor, "is_authenticated", False) else None
    follow_up.save()
    audit.record(
        actor=actor,
        action="followup.complete",
        obj=follow_up,
        before=before,
        after=audit.snapshot(follow_up),
        party_id=follow_up.party_id,
    )
    return follow_up


@transaction.atomic
def do_reopen_follow_up(follow_up: FollowUp, *, actor: Any) -> FollowUp:
    """Open a done follow-up again (it was not done after all). The activity logged on
    completion stays on the file (it happened); the follow-up no longer points to it. An open
    follow-up stays as it is."""
    locked = _locked(follow_up)
    if locked is None:
        raise FollowUp.DoesNotExist
    follow_up = locked
    if follow_up.done_at is None:
        return follow_up
    before = audit.snapshot(follow_up)
    follow_up.done_at = None
    follow_up.done_by = None
    follow_up.activity = None
    follow_up.save()
    audit.record(
        actor=actor,
        action="followup.reopen",
        obj=follow_up,
        before=before,
        after=audit.snapshot(follow_up),
        party_id=follow_up.party_id,
    )
    return follow_up


@transaction.atomic
def do_delete_follow_up(follow_up: FollowUp, *, actor: Any) -> bool:
    """Delete a follow-up (entered by mistake); its audit record keeps what it said. False
    when it is gone already (a second click finds nothing and records nothing)."""
    locked = FollowUp.objects.select_for_update().filter(pk=follow_up.pk).first()
    if locked is None:
        return False
    audit.record(
        actor=actor,
        action="followup.delete",
        obj=locked,
        before={k: v for k, v in audit.snapshot(locked).items() if v not in ("", None)},
        after=None,
        party_id=locked.party_id,
    )
    locked.delete()
    return True


# Who was reminded for which day is kept this long (a run's --day goes back at most this far
# with any effect); older rows are pruned by the next run.
REMINDERS_KEPT_DAYS = 400


@transaction.atomic
def do_claim_reminder_mails(day: dt.date, wanted: list[tuple[int, int]], *, run: str) -> set[int]:
    """Claim the reminder of ``day`` for the users ``wanted`` names (``(user_id, follow-ups)``)
    for the run ``run``, before their mails go out; returns the users claimed. A user recorded
    already, by this day's earlier run or by one running at the same moment on another host,
    is not claimed: that run mails them. One insert (conflicts ignored: unique per user and
    day) and one read of what the run holds, whatever the number of users. Not in the audit
    trail: no business data changes, and these rows are the record of what was mailed to whom
    (decision 0064)."""
    if not wanted:
        return set()
    ReminderMail.objects.bulk_create(
        [ReminderMail(user_id=user_id, day=day, follow_ups=n, run=run) for user_id, n in wanted],
        ignore_conflicts=True,
    )
    return set(
        ReminderMail.objects.filter(
            day=day, run=run, user_id__in=[user_id for user_id, _n in wanted]
        ).values_list("user_id", flat=True)
    )


@transaction.atomic
def do_release_reminder_mails(day: dt.date, user_ids: Iterable[int], *, run: str) -> int:
    """Give up the run ``run``'s claims of ``day`` for these users, whose mail did not go out
    (refused, or the run stopped before it): the next run mails them. Another run's claims
    stay. Returns how many were released."""
    released = 0
    for step in chunks(sorted(user_ids), 1000):
        deleted, _rows = ReminderMail.objects.filter(day=day, run=run, user_id__in=step).delete()
        released += deleted
    return released


@transaction.atomic
def do_prune_reminder_mails(today: dt.date) -> int:
    """Forget the reminder records older than ``REMINDERS_KEPT_DAYS``."""
    cutoff = today - dt.timedelta(days=REMINDERS_KEPT_DAYS)
    deleted, _rows = ReminderMail.objects.filter(day__lt=cutoff).delete()
    return deleted
