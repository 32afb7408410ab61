"""Who may read, create, change, complete and delete follow-ups: declarations for the role
walk (core.testing)."""

from typing import Any

from django.utils import timezone

from verbund.core.testing import FORM_OK, WRITERS, Page, Route, World
from verbund.followups.actions import do_create_follow_up
from verbund.parties.actions import do_create_party


def _today() -> str:
    return timezone.localdate().isoformat()


# The follow-ups API: everyone reads, writers create, change, complete, reopen and delete.
ROUTES = [
    Route("follow-up-list"),
    Route("follow-up-list", query={"assigned_to": "", "open": ""}, variant="all"),
    Route(
        "follow-up-list",
        "post",
        WRITERS,
        body=lambda w: {"party": w["party"], "due_on": _today(), "subject": "Rückruf"},
        ok=(201,),
    ),
    Route("follow-up-detail", kwargs={"pk": "follow_up"}),
    Route(
        "follow-up-detail",
        "patch",
        WRITERS,
        kwargs={"pk": "follow_up"},
        body=lambda w: {"subject": "Rückruf morgen"},
    ),
    Route(
        "follow-up-detail",
        "put",
        WRITERS,
        kwargs={"pk": "follow_up"},
        body=lambda w: {"due_on": _today(), "subject": "Besuch"},
    ),
    Route("follow-up-detail", "delete", WRITERS, kwargs={"pk": "follow_up"}, ok=(204,)),
    Route(
        "follow-up-complete",
        "post",
        WRITERS,
        kwargs={"pk": "follow_up"},
        body=lambda w: {"log_activity": True, "activity_text": "Erreicht"},
    ),
    Route("follow-up-reopen", "post", WRITERS, kwargs={"pk": "follow_up"}, body=lambda w: {}),
]

# The pages: everyone reads the list and the file's section, writers use the forms.
ROUTES += [
    Page("follow-up-page"),
    Page("follow-up-page", query={"assigned_to": "", "open": "false"}, variant="done"),
    Page(
        "follow-up-create",
        "post",
        WRITERS,
        kwargs={"party_id": "party"},
        body=lambda w: {"due_on": _today(), "assigned_to": w["user"], "subject": "Rückruf"},
        ok=FORM_OK,
    ),
    Page("follow-up-edit", allowed=WRITERS, kwargs={"follow_up_id": "follow_up"}),
    Page(
        "follow-up-edit",
        "post",
        WRITERS,
        kwargs={"follow_up_id": "follow_up"},
        body=lambda w: {"due_on": _today(), "assigned_to": w["user"], "subject": "Besuch"},
        ok=FORM_OK,
    ),
    Page(
        "follow-up-done",
        "post",
        WRITERS,
        kwargs={"follow_up_id": "follow_up"},
        body=lambda w: {"activity_kind": "call", "activity_text": "Erreicht"},
        ok=(302,),
    ),
    Page("follow-up-undone", "post", WRITERS, kwargs={"follow_up_id": "follow_up"}, ok=(302,)),
    Page("follow-up-delete", allowed=WRITERS, kwargs={"follow_up_id": "follow_up"}),
    Page("follow-up-delete", "post", WRITERS, kwargs={"follow_up_id": "follow_up"}, ok=(302,)),
    # Everyone who reads follow-ups chooses their own reminder mail.
    Page("follow-up-reminder-mail", "post", body=lambda w: {"reminder_mail": "on"}, ok=(302,)),
]


def world() -> World:
    party = do_create_party(actor=None, name="Wiedervorlage GmbH")
    someone = _someone()
    follow_up = do_create_follow_up(
        actor=None, party=party, due_on=timezone.localdate(), subject="Anrufen", assigned_to=someone
    )
    return {"party": party.pk, "follow_up": follow_up.pk, "user": someone.pk}


def _someone() -> Any:
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username="wiedervorlage-zustaendig")
    return user
