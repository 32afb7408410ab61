"""Who may read, create, change, complete and delete follow-ups: declarations for the role
walk (core.testing)."""

from django.utils import timezone

from verbund.core.testing import WRITERS, Route, World
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


def world() -> World:
    party = do_create_party(actor=None, name="Wiedervorlage GmbH")
    follow_up = do_create_follow_up(
        actor=None,
        party=party,
        due_on=timezone.localdate(),
        subject="Anrufen",
        assigned_to=_someone(),
    )
    return {"party": party.pk, "follow_up": follow_up.pk}


def _someone() -> object:
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username="wiedervorlage-zustaendig")
    return user
