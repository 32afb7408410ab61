"""Who may use selections: declarations for the role walk (core.testing).

Every role saves and opens selections; the world's selection belongs to another user and is
shared with viewers (so every role reaches it), and only its owner may change or delete it:
every other identity is refused.
"""

from django.contrib.auth.models import Group, User

from verbund.core.testing import EVERYONE, FORM_OK, NOBODY, WRITERS, Page, Route, World
from verbund.parties.actions import do_create_party
from verbund.selections.actions import do_save_selection
from verbund.selections.models import ChangeRun, ChangeRunStatus

ROUTES = [
    Route("selection-list"),
    Route(
        "selection-list",
        "post",
        EVERYONE,
        body=lambda w: {"name": "Neu", "filters": {"city": "Köln"}},
        ok=(201,),
    ),
    Route("selection-detail", kwargs={"pk": "selection"}),
    Route(
        "selection-detail",
        "patch",
        NOBODY,
        kwargs={"pk": "selection"},
        body=lambda w: {"name": "X"},
    ),
    Route(
        "selection-detail",
        "put",
        NOBODY,
        kwargs={"pk": "selection"},
        body=lambda w: {"name": "X", "filters": {}},
    ),
    Route("selection-detail", "delete", NOBODY, kwargs={"pk": "selection"}),
    Route("selection-parties", kwargs={"pk": "selection"}),
    Route("selection-count", kwargs={"pk": "selection"}),
    Route("party-count-list", query={"city": "Köln"}),
    Route(
        "selection-change-parties",
        "post",
        WRITERS,
        kwargs={"pk": "selection"},
        body=lambda w: {"add_tags": ["Messe 2027"]},
    ),
    Route("selection-change-run-detail", allowed=WRITERS, kwargs={"pk": "run"}),
]


def world() -> World:
    party = do_create_party(actor=None, name="A GmbH", city="Köln")
    owner = User.objects.create_user(username="selection-owner")
    owner.groups.add(Group.objects.get(name="viewer"))
    selection = do_save_selection(
        actor=owner, name="Köln", filters={"city": "Köln"}, shared_with="viewer"
    )
    run = ChangeRun.objects.create(
        selection=selection, selection_name=selection.name, filters=selection.filters,
        changes={"add_tags": ["Messe 2027"]}, created_by=owner, status=ChangeRunStatus.DONE,
    )  # fmt: skip
    return {"selection": selection.pk, "party": party.pk, "run": run.pk}


UI_ROUTES = [
    Page("selection-list"),
    Page("selection-create", query={"city": "Köln"}),
    Page(
        "selection-create",
        "post",
        EVERYONE,
        body=lambda w: {"name": "Neu", "filters": "city=K%C3%B6ln"},
        ok=FORM_OK,
    ),
    Page("selection-detail", kwargs={"selection_id": "selection"}),
    Page("selection-count", kwargs={"selection_id": "selection"}),
    Page(
        "selection-export",
        kwargs=lambda w: {"selection_id": w["selection"], "fmt": "csv"},
        variant="csv",
    ),
    Page(
        "selection-export",
        kwargs=lambda w: {"selection_id": w["selection"], "fmt": "xlsx"},
        variant="xlsx",
    ),
    Page(
        "selection-white-space",
        kwargs=lambda w: {"party_id": w["party"], "type_key": "group"},
    ),
    Page("selection-delete", "get", NOBODY, kwargs={"selection_id": "selection"}),
    Page("selection-delete", "post", NOBODY, kwargs={"selection_id": "selection"}),
    Page("selection-change", allowed=WRITERS, kwargs={"selection_id": "selection"}),
    Page("selection-change-run", allowed=WRITERS, kwargs={"run_id": "run"}),
    Page(
        "selection-change",
        "post",
        WRITERS,
        kwargs={"selection_id": "selection"},
        body=lambda w: {"add_tag": "Messe 2027", "confirm": "1"},
        ok=FORM_OK,
    ),
]
ROUTES += UI_ROUTES
