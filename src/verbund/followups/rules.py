"""Rules the follow-up actions enforce, with the messages the form and the API both show."""

import datetime as dt

from django.utils.translation import gettext as _

# A due date this far back or ahead is a typo (2062 for 2026, 1926 for 2026), not a plan.
PAST_DAYS = 366
FUTURE_YEARS = 10


def due_on_error(due_on: dt.date | None, today: dt.date) -> str | None:
    """Why ``due_on`` cannot be a follow-up's due date (set or changed today), else None.

    A date in the recent past is allowed: a reminder entered late is still due."""
    if due_on is None:
        return _("A follow-up needs a due date.")
    if due_on < today - dt.timedelta(days=PAST_DAYS):
        return _("The due date lies more than a year back.")
    if due_on.year > today.year + FUTURE_YEARS:
        return _("The due date lies more than %(years)s years ahead.") % {"years": FUTURE_YEARS}
    return None


def subject_error(subject: str) -> str | None:
    if not (subject or "").strip():
        return _("A follow-up needs a subject.")
    return None


def assignee_error(user: object | None) -> str | None:
    """Why ``user`` cannot be assigned a follow-up: nobody, or a deactivated account."""
    if user is None:
        return _("A follow-up needs someone to do it.")
    if not getattr(user, "is_active", False):
        return _("This user is deactivated and sees no follow-ups.")
    return None


def overdue(due_on: dt.date, today: dt.date) -> bool:
    return due_on < today
