"""The activities timeline on the customer file."""

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from verbund.activities.forms import ActivityForm
from verbund.activities.models import Activity
from verbund.core.extensions import Badge, Section
from verbund.core.paging import list_count
from verbund.parties.models import Party, PartyKind

TIMELINE_LIMIT = 50


def timeline_context(
    request: HttpRequest, party: Party, form: ActivityForm | None = None
) -> dict[str, Any]:
    rows = Activity.objects.filter(party=party)
    if party.kind == PartyKind.PERSON:
        # A person's file also lists the organisations' activities naming them as contact.
        rows = Activity.objects.filter(Q(party=party) | Q(contact=party))
    activities = list(rows.select_related("user", "contact", "party")[: TIMELINE_LIMIT + 1])
    more = len(activities) > TIMELINE_LIMIT
    shown = activities[:TIMELINE_LIMIT]
    can_add = request.user.has_perm("activities.add_activity")
    if form is None and can_add:
        # Only for who may log: the form reads the organisation's contacts.
        form = ActivityForm(party=party)
    return {
        "party": party,
        "activities": shown,
        "more_activities": more,
        # "50 von 73": counted only when the timeline stops at its limit.
        "activity_count": list_count(rows, len(shown), complete=not more),
        "activity_form": form,
        "can_add_activity": can_add,
        "can_change_activity": request.user.has_perm("activities.change_activity"),
    }


def party_sections(request: HttpRequest, party: Party) -> list[Section]:
    # The timeline asks what the activities API asks.
    if not request.user.has_perm("activities.view_activity"):
        return []
    return [
        Section(
            key="activities",
            title=str(_("Activities")),
            template="activities/section.html",
            context=timeline_context(request, party),
            order=40,
        )
    ]


def party_badges(party: Party) -> list[Badge]:
    return []


def describe_history(party: Party, records: list[Any]) -> None:
    """An activity's records in the file's history name its subject; a deletion says so."""
    for rec in records:
        if rec.object_type == "activities.activity":
            subject = (rec.after or rec.before or {}).get("subject", "")
            if rec.action == "activity.delete":
                subject = _("deleted: %(subject)s") % {"subject": subject}
            rec.detail = subject
