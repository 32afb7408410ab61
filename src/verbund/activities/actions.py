"""Every write to activities: create and edit. Atomic and audited."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from verbund.activities.models import Activity, ActivityKind
from verbund.core import audit
from verbund.core.serializers import UNKNOWN_FIELD
from verbund.parties.models import Party

EDITABLE_FIELDS = {"kind", "happened_at", "subject", "text"}


def _validate(activity: Activity) -> None:
    errors: dict[str, list[str]] = {}
    if activity.kind not in ActivityKind.values:
        errors["kind"] = [_("Unknown kind of activity.")]
    if not (activity.subject or "").strip():
        errors["subject"] = [_("An activity needs a subject.")]
    if activity.happened_at is None:
        errors["happened_at"] = [_("An activity needs a date.")]
    elif activity.happened_at > timezone.now() + dt.timedelta(days=366):
        errors["happened_at"] = [_("The date lies more than a year ahead.")]
    if activity.party_id and getattr(activity.party, "merged_into_id", None):
        errors["party"] = [_("This party was merged into another; log the activity there.")]
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
) -> Activity:
    """Log an activity for ``party``; the date defaults to now and the user to the actor."""
    activity = Activity(
        party=party,
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
    """Correct kind, date, subject or text of an activity; unchanged edits are not audited."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError({f: [UNKNOWN_FIELD] for f in sorted(unknown)})
    activity = Activity.objects.select_for_update().select_related("party").get(pk=activity.pk)
    before = audit.snapshot(activity)
    for field, value in changes.items():
        if field == "happened_at":
            value = _as_datetime(value)
        setattr(activity, field, value)
    _validate(activity)
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
