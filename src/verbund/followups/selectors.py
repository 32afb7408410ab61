"""Reads of follow-ups for the customer file, the start page and the list."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from verbund.core.formatting import user_name
from verbund.followups.models import FollowUp
from verbund.parties.models import Party

# What the start page shows ahead of today; later ones are counted.
HOME_DAYS = 7
# The start page lists this many at most (a user with a hundred overdue sees the first ones
# and the count of the rest).
HOME_LIMIT = 30
# The file lists this many done ones (the newest), behind a link.
DONE_SHOWN = 20


def of_party(party: Party) -> tuple[list[FollowUp], list[FollowUp], int]:
    """The party's open follow-ups (soonest first), its newest done ones and how many are done."""
    rows = FollowUp.objects.filter(party=party).select_related("assigned_to")
    open_rows = list(rows.filter(done_at__isnull=True).order_by("due_on", "id"))
    done = list(
        rows.filter(done_at__isnull=False)
        .select_related("done_by", "activity")
        .order_by("-done_at", "-id")[: DONE_SHOWN + 1]
    )
    done_count = len(done)
    if done_count > DONE_SHOWN:
        done_count = rows.filter(done_at__isnull=False).count()
    return open_rows, done[:DONE_SHOWN], done_count


def of_parties(party_ids: Iterable[int]) -> QuerySet[FollowUp]:
    """The follow-ups filed under ``party_ids``, open and done, by due date: for privacy, a
    person and the records merged into it (the access export lists them, the erasure scrubs
    them)."""
    return FollowUp.objects.filter(party_id__in=list(party_ids)).order_by("due_on", "id")


def planned_or_done_since(moment: dt.datetime) -> QuerySet[FollowUp]:
    """Follow-ups that say a party is in contact at ``moment`` or later: open ones due on its
    day or after (someone plans to contact them), done ones done since. An open one long
    overdue says nothing (nobody came back to it)."""
    return FollowUp.objects.filter(
        Q(done_at__isnull=True, due_on__gte=timezone.localtime(moment).date())
        | Q(done_at__gte=moment)
    )


@dataclass
class Agenda:
    """A user's open follow-ups as the start page shows them."""

    overdue: list[FollowUp] = field(default_factory=list)
    today: list[FollowUp] = field(default_factory=list)
    soon: list[FollowUp] = field(default_factory=list)
    # Open ones beyond what is shown (due after the next days, or beyond the limit).
    later: int = 0

    @property
    def empty(self) -> bool:
        return not (self.overdue or self.today or self.soon)


def agenda(user: Any, today: dt.date) -> Agenda:
    """``user``'s open follow-ups: overdue first, then today's, then the next days'."""
    mine = FollowUp.objects.filter(assigned_to=user, done_at__isnull=True)
    until = today + dt.timedelta(days=HOME_DAYS)
    rows = list(
        mine.filter(due_on__lte=until)
        .select_related("party")
        .order_by("due_on", "id")[: HOME_LIMIT + 1]
    )
    found = Agenda()
    for row in rows[:HOME_LIMIT]:
        if row.due_on < today:
            found.overdue.append(row)
        elif row.due_on == today:
            found.today.append(row)
        else:
            found.soon.append(row)
    found.later = mine.filter(due_on__gt=until).count()
    if len(rows) > HOME_LIMIT:
        found.later += mine.filter(due_on__lte=until).count() - HOME_LIMIT
    return found


def assignable_users() -> QuerySet[Any]:
    """Who a follow-up may be assigned to: active users, by name."""
    return get_user_model().objects.filter(is_active=True).order_by("username")


def user_choices(current: Any = None) -> list[tuple[int, str]]:
    """(id, name) of the assignable users; ``current`` (a deactivated assignee of an existing
    follow-up) stays choosable so that editing its text does not reassign it."""
    users = list(assignable_users())
    if current is not None and current not in users:
        users.append(current)
    return [(u.pk, user_name(u)) for u in users]
