"""The follow-ups on the customer file and on the start page."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from verbund.core.extensions import Badge, Section
from verbund.core.permissions import user_has
from verbund.followups import selectors
from verbund.followups.forms import CompleteForm, FollowUpForm
from verbund.parties.models import Party


def file_context(
    request: HttpRequest, party: Party, form: FollowUpForm | None = None
) -> dict[str, Any]:
    open_rows, done, done_count = selectors.of_party(party)
    for row in open_rows:
        # One form per follow-up, each with its own ids (a label names its own field).
        row.complete_form = CompleteForm(auto_id=f"done-{row.pk}-%s")  # type: ignore[attr-defined]
    can_add = request.user.has_perm("followups.add_followup")
    if form is None and can_add:
        form = FollowUpForm(user=request.user)
    return {
        "party": party,
        "open_follow_ups": open_rows,
        "done_follow_ups": done,
        "done_count": done_count,
        "today": timezone.localdate(),
        "follow_up_form": form,
        "can_add_follow_up": can_add,
        "can_change_follow_up": request.user.has_perm("followups.change_followup"),
        "can_log_activity": request.user.has_perm("activities.add_activity"),
    }


def party_sections(request: HttpRequest, party: Party) -> list[Section]:
    # The section asks what the follow-ups API asks.
    if not request.user.has_perm("followups.view_followup"):
        return []
    return [
        Section(
            key="followups",
            title=str(_("Follow-ups")),
            template="followups/section.html",
            context=file_context(request, party),
            order=35,
        )
    ]


def party_badges(party: Party) -> list[Badge]:
    return []


def describe_history(party: Party, records: list[Any]) -> None:
    """A follow-up's records in the file's history name its due date and subject."""
    for rec in records:
        if rec.object_type != "followups.followup":
            continue
        data = rec.after or rec.before or {}
        subject = data.get("subject", "")
        due = data.get("due_on")
        if due:
            subject = f"{date_format(dt.date.fromisoformat(due), 'SHORT_DATE_FORMAT')} {subject}"
        if rec.action == "followup.delete":
            subject = _("deleted: %(subject)s") % {"subject": subject}
        rec.detail = subject


def home_sections(request: Any) -> list[Section]:
    """The start page: the user's open follow-ups, overdue first, then today's and the next
    days'."""
    user = getattr(request, "user", None)
    if not user_has(user, "followups.view_followup"):
        return []
    today = timezone.localdate()
    return [
        Section(
            key="my-follow-ups",
            title=str(_("My follow-ups")),
            template="followups/home.html",
            context={"agenda": selectors.agenda(user, today), "today": today},
            order=5,
        )
    ]
