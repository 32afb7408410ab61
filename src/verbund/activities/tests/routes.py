"""Who may log and correct activities: declarations for the role walk (core.testing)."""

from verbund.activities.actions import do_create_activity
from verbund.core.testing import FORM_OK, WRITERS, Page, World
from verbund.parties.actions import do_create_party

ROUTES = [
    Page(
        "activity-create",
        "post",
        WRITERS,
        kwargs={"party_id": "party"},
        body=lambda w: {"kind": "call", "subject": "Rückruf"},
        ok=FORM_OK,
    ),
    Page("activity-edit", allowed=WRITERS, kwargs={"activity_id": "activity"}),
    Page(
        "activity-edit",
        "post",
        WRITERS,
        kwargs={"activity_id": "activity"},
        body=lambda w: {"kind": "call", "subject": "Rückruf"},
        ok=FORM_OK,
    ),
]


def world() -> World:
    party = do_create_party(actor=None, name="A GmbH")
    activity = do_create_activity(actor=None, party=party, kind="call", subject="Anruf")
    return {"party": party.pk, "activity": activity.pk}
