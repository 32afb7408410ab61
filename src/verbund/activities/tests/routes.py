"""Who may log, correct and delete activities: declarations for the role walk (core.testing)."""

from verbund.activities.actions import do_create_activity
from verbund.core.testing import FORM_OK, WRITERS, Page, Route, World
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
        "activity-contact-pick",
        allowed=WRITERS,
        kwargs={"party_id": "party"},
        query={"contact_query": "Anna"},
    ),
    Page(
        "activity-edit",
        "post",
        WRITERS,
        kwargs={"activity_id": "activity"},
        body=lambda w: {"kind": "call", "subject": "Rückruf"},
        ok=FORM_OK,
    ),
    Page("activity-delete", allowed=WRITERS, kwargs={"activity_id": "activity"}),
    Page("activity-delete", "post", WRITERS, kwargs={"activity_id": "activity"}, ok=(302,)),
]


# The activities API (#17.1): everyone reads, writers log, correct and delete.
ROUTES += [
    Route("activity-list"),
    Route("activity-list", query=lambda w: {"group": w["party"]}, variant="group"),
    Route(
        "activity-list",
        "post",
        WRITERS,
        body=lambda w: {"party": w["party"], "kind": "call", "subject": "Rückruf"},
        ok=(201,),
    ),
    Route("activity-detail", kwargs={"pk": "activity"}),
    Route(
        "activity-detail",
        "patch",
        WRITERS,
        kwargs={"pk": "activity"},
        body=lambda w: {"subject": "Rückruf erledigt"},
    ),
    Route(
        "activity-detail",
        "put",
        WRITERS,
        kwargs={"pk": "activity"},
        body=lambda w: {"kind": "visit", "subject": "Besuch"},
    ),
    Route("activity-detail", "delete", WRITERS, kwargs={"pk": "activity"}, ok=(204,)),
    Route("party-group-activities", kwargs={"pk": "party"}, query={"type": "group"}),
    # The group section's parts on the file.
    Page("group-activities", kwargs={"party_id": "party"}, query={"type": "group"}),
    Page("group-members", kwargs={"party_id": "party"}, query={"type": "group"}),
]


def world() -> World:
    party = do_create_party(actor=None, name="A GmbH")
    activity = do_create_activity(actor=None, party=party, kind="call", subject="Anruf")
    return {"party": party.pk, "activity": activity.pk}
