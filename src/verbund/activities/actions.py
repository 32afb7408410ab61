"""Every write to activities: create, edit and delete. Atomic and audited."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from verbund.activities import rules, selectors
from verbund.activities.models import Activity, ActivityKind
from verbund.core import audit
from verbund.core.serializers import UNKNOWN_FIELD
from verbund.parties.models import Party

EARLIEST_YEAR = 1900
EDITABLE_FIELDS = {"kind", "happened_at", "subject", "text", "contact"}


def _validate(activity: Activity, *, check_contact: bool = True) -> None:
    """The activity's rules; ``check_contact`` is False when a correction keeps the contact
    named before (who was spoken to stays true after they leave the organisation)."""
    errors: dict[str, list[str]] = {}
    if activity.kind not in ActivityKind.values:
        errors["kind"] = [_("Unknown kind of activity.")]
    if not (activity.subject or "").strip():
        errors["subject"] = [_("An activity needs a subject.")]
    if activity.happened_at is None:
        errors["happened_at"] = [_("An activity needs a date.")]
    elif activity.happened_at > timezone.now() + dt.timedelta(days=366):
        errors["happened_at"] = [_("The date lies more than a year ahead.")]
    elif activity.happened_at.year < EARLIEST_YEAR:
        # No contact moment is that old; such a date is a typo (and before time zones were
        # standard, its local offset is no valid offset in the API's answer).
        errors["happened_at"] = [_("The date lies before %(year)s.") % {"year": EARLIEST_YEAR}]
    if activity.party_id and getattr(activity.party, "merged_into_id", None):
        errors["party"] = [_("This party was merged into another; log the activity there.")]
    if check_contact and activity.contact_id is not None and activity.party_id:
        message = rules.contact_error(
            activity.party,
            activity.contact_id,
            selectors.is_contact(activity.party, activity.contact_id),
        )
        if message:
            errors["contact"] = [message]
    if errors:
        raise ValidationError(errors)


def _as_datetime(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    if isinstance(value, dt.date):
        return timezone.make_aware(dt.datetime.combine(value, dt.time(12, 0)))
    if isinstance(value, str) and value:
        try:
            return _as_datetime(dt.datetime.fromisoformat(value))
        except ValueError:
            raise ValidationError(
                {"happened_at": [_("%(value)s is not a date.") % {"value": value}]}
            ) from None
    return value or None


@transaction.atomic
def do_create_activity(
    *,
    actor: Any,
    party: Party,
    subject: str,
    kind: str = ActivityKind.NOTE,
    happened_at: Any = None,
    text: str = "",
    contact: Party | None = None,
) -> Activity:
    """Log an activity for ``party``; the date defaults to now and the user to the actor;
    ``contact`` names the person spoken to, a contact of the organisation ``party``."""
    activity = Activity(
        party=party,
        contact=contact,
        kind=kind,
        happened_at=_as_datetime(happened_at) or timezone.now(),
        subject=(subject or "").strip(),
        text=text or "",
        user=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _validate(activity)
    activity.save()
    audit.record(
        actor=actor,
        action="activity.create",
        obj=activity,
        after=audit.snapshot(activity),
        party_id=party.pk,
    )
    return activity


@transaction.atomic
def do_update_activity(activity: Activity, *, actor: Any, **changes: Any) -> Activity:
    """Correct kind, date, subject, text or contact person of an activity; unchanged edits are
    not audited."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError({f: [UNKNOWN_FIELD] for f in sorted(unknown)})
    activity = Activity.objects.select_for_update().select_related("party").get(pk=activity.pk)
    before = audit.snapshot(activity)
    for field, value in changes.items():
        if field == "happened_at":
            value = _as_datetime(value)
        setattr(activity, field, value)
    _validate(activity, check_contact=activity.contact_id != before["contact_id"])
    after = audit.snapshot(activity)
    if {k: v for k, v in after.items() if k != "updated_at"} == {
        k: v for k, v in before.items() if k != "updated_at"
    }:
        return activity
    activity.save()
    audit.record(
        actor=actor,
        action="activity.update",
        obj=activity,
        before=before,
        after=audit.snapshot(activity),
        party_id=activity.party_id,
    )
    return activity


@transaction.atomic
def do_delete_activity(activity: Activity, *, actor: Any) -> bool:
    """Delete an activity; its audit record keeps what it said (``before``, the record's
    ``object_repr``), so the party's history shows what was deleted. False when it is gone
    already: a second click or request that overlapped the first finds nothing to delete
    and records nothing (deleting is idempotent, never a 500)."""
    locked = Activity.objects.select_for_update().filter(pk=activity.pk).first()
    if locked is None:
        return False
    activity = locked
    # Recorded first: the record names the activity by its id and text while it still exists.
    audit.record(
        actor=actor,
        action="activity.delete",
        obj=activity,
        # Empty fields said nothing; the history lists what the activity held.
        before={k: v for k, v in audit.snapshot(activity).items() if v not in ("", None)},
        after=None,
        party_id=activity.party_id,
    )
    activity.delete()
    return True
