"""Reads of follow-ups for the customer file, the start page, the list and the reminder mails."""

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from verbund.core.formatting import user_name, user_order
from verbund.core.models import UserProfile
from verbund.followups.models import FollowUp, ReminderMail
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
    """Who a follow-up may be assigned to: active users (``user_choices`` puts them in order)."""
    return get_user_model().objects.filter(is_active=True)


def user_choices(current: Any = None) -> list[tuple[int, str]]:
    """(id, name) of the assignable users; ``current`` (a deactivated assignee of an existing
    follow-up) stays choosable so that editing its text does not reassign it. In the order
    every list of users to choose from has (``core.formatting.user_order``)."""
    users = list(assignable_users())
    if current is not None and current not in users:
        users.append(current)
    return [(u.pk, user_name(u)) for u in sorted(users, key=user_order)]


# A reminder mail lists this many follow-ups at most; the rest are counted (the list has them).
MAIL_LIMIT = 50
# Who may read follow-ups (the list page's permission): only they are mailed a reminder.
READ_PERMISSION = "followups.view_followup"


@dataclass
class Reminder:
    """One user's reminder mail for a day: the open follow-ups assigned to them that are due on
    or before it, overdue first (``MAIL_LIMIT`` of them), and how many there are of each."""

    user: Any
    language: str
    overdue: list[FollowUp] = field(default_factory=list)
    today: list[FollowUp] = field(default_factory=list)
    overdue_count: int = 0
    today_count: int = 0

    @property
    def count(self) -> int:
        return self.overdue_count + self.today_count

    @property
    def more(self) -> int:
        """How many are not listed."""
        return self.count - len(self.overdue) - len(self.today)


def reminder_recipients() -> QuerySet[Any]:
    """Users a reminder may go to: active, with an e-mail address, allowed to read follow-ups
    (a superuser, or through a role or a permission of their own) and not having switched the
    mail off (a user without a profile has not).

    The permission as two id lists, not Django's ``with_perm``: its one EXISTS over the groups'
    members joined with the users' own permissions was run per user, and read every member of
    the role each time (1.2 s at 1,000 users on PostgreSQL, growing with their square)."""
    User = get_user_model()
    app_label, codename = READ_PERMISSION.split(".")
    permission = Permission.objects.filter(
        content_type__app_label=app_label, codename=codename
    ).values("pk")
    in_role = User.groups.through.objects.filter(group__permissions__in=permission)
    own = User.user_permissions.through.objects.filter(permission__in=permission)
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(pk__in=in_role.values("user_id"))
            | Q(pk__in=own.values("user_id"))
        )
        .exclude(email="")
        .filter(Q(profile__isnull=True) | Q(profile__reminder_mail=True))
    )


def reminders_due(day: dt.date, default_language: str) -> Iterator[Reminder]:
    """The reminder mails of ``day`` not sent yet, one per user (by user id): one query,
    read in chunks, whatever the number of users."""
    rows = (
        FollowUp.objects.filter(
            done_at__isnull=True,
            due_on__lte=day,
            assigned_to__in=reminder_recipients().values("pk"),
        )
        .exclude(Exists(ReminderMail.objects.filter(user=OuterRef("assigned_to"), day=day)))
        .select_related("party", "assigned_to", "assigned_to__profile")
        .only(
            "due_on",
            "subject",
            "assigned_to",
            "party__kind",
            "party__name",
            "party__title",
            "party__first_name",
            "party__last_name",
            "party__number",
            "assigned_to__username",
            "assigned_to__first_name",
            "assigned_to__last_name",
            "assigned_to__email",
            "assigned_to__profile__language",
        )
        .order_by("assigned_to_id", "due_on", "id")
    )
    current: Reminder | None = None
    for row in rows.iterator(chunk_size=2000):
        if current is None or current.user.pk != row.assigned_to_id:
            if current is not None:
                yield current
            user = row.assigned_to
            profile = getattr(user, "profile", None)
            current = Reminder(user, profile.language if profile else default_language)
        listed = current.count < MAIL_LIMIT
        if row.due_on < day:
            current.overdue_count += 1
            if listed:
                current.overdue.append(row)
        else:
            current.today_count += 1
            if listed:
                current.today.append(row)
    if current is not None:
        yield current


def reminded_already(day: dt.date) -> int:
    """How many users were mailed the reminder of ``day`` already."""
    return ReminderMail.objects.filter(day=day).count()


def reminder_mail_on(user: Any) -> bool:
    """Whether ``user`` gets the daily reminder mail (on unless they switched it off)."""
    found = UserProfile.objects.filter(user_id=user.pk).values_list("reminder_mail", flat=True)
    return next(iter(found), True)
