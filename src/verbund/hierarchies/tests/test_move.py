"""Moving a party with its subtree ("Umhängen") through the API, the CLI and the pages."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from verbund.core.errors import Conflict
from verbund.core.serializers import ID_MAX
from verbund.core.testing import assert_409_as_the_action_refuses as refuses_alike
from verbund.core.testing import assert_cli_refuses, run_cli
from verbund.core.tests.openapi import api_schema
from verbund.hierarchies import selectors
from verbund.hierarchies.actions import check_move, do_move_subtree
from verbund.hierarchies.api import MOVE_FIELDS
from verbund.parties.models import Party
from verbund.relationships.models import Relationship

pytestmark = pytest.mark.django_db

MOVE = "/api/v1/parties/{}/hierarchy/move/"


@pytest.fixture
def groups(org: Callable[..., Party], link: Callable[..., Any]) -> dict[str, Party]:
    """Holding > Handel > (Süd, Nord); Konkurrenz AG on its own with one subsidiary."""
    p = {
        "holding": org("Müller Holding AG"),
        "handel": org("Müller Handel GmbH"),
        "sued": org("Müller Handel Süd GmbH"),
        "nord": org("Müller Handel Nord GmbH"),
        "other": org("Konkurrenz AG"),
        "other_sub": org("Konkurrenz Tochter GmbH"),
    }
    link(p["handel"], p["holding"])
    link(p["sued"], p["handel"])
    link(p["nord"], p["handel"])
    link(p["other_sub"], p["other"])
    return p


def parent_today(party: Party) -> int | None:
    return (
        selectors.ancestors(party.pk, "group")[-1]["id"]
        if selectors.depth_of(party.pk, "group")
        else None
    )


# --- API ----------------------------------------------------------------------------------


def test_the_api_moves_a_party_with_its_subsidiaries_and_says_how_many_moved(api_for, groups):
    res = api_for("editor").post(
        MOVE.format(groups["handel"].pk),
        {"to": groups["other"].pk, "type": "group"},
        format="json",
    )
    assert res.status_code == 200, res.content
    body = res.json()
    assert body["members"] == 3 and body["dry_run"] is False
    assert body["from_parent_id"] == groups["holding"].pk
    assert body["to_parent_id"] == groups["other"].pk
    assert body["on"] == dt.date.today().isoformat()
    assert selectors.ultimate_parent(groups["sued"].pk, "group") == groups["other"].pk
    new = Relationship.objects.get(pk=body["relationship_id"])
    assert new.valid_from == dt.date.today() and new.to_party_id == groups["other"].pk


def test_a_dry_run_counts_and_checks_but_writes_nothing(api_for, groups):
    links = Relationship.objects.count()
    res = api_for("editor").post(
        MOVE.format(groups["handel"].pk),
        {"to": groups["other"].pk, "dry_run": True, "on": "2030-01-01"},
        format="json",
    )
    assert res.status_code == 200, res.content
    assert res.json()["members"] == 3 and res.json()["relationship_id"] is None
    assert Relationship.objects.count() == links
    assert selectors.ultimate_parent(groups["sued"].pk, "group") == groups["holding"].pk


def assert_409_as_the_action_refuses(response: Any, refuse: Callable[[], Any]) -> None:
    """Under the move's names of the link's fields."""
    refuses_alike(response, refuse, MOVE_FIELDS)


def test_a_move_into_its_own_subtree_is_a_409_naming_to_on_a_dry_run_too(api_for, groups):
    # The stored links refuse it, not the request (decision 0038, revision 2).
    api = api_for("editor")
    for dry in (True, False):
        res = api.post(
            MOVE.format(groups["handel"].pk),
            {"to": groups["sued"].pk, "dry_run": dry},
            format="json",
        )
        assert_409_as_the_action_refuses(
            res, lambda: check_move(groups["handel"], groups["sued"], "group", actor=None)
        )
        assert list(res.json()) == ["to"] and "→" in res.json()["to"][0]
    assert selectors.ultimate_parent(groups["sued"].pk, "group") == groups["holding"].pk


def test_a_move_under_the_parent_the_party_has_is_a_409_naming_to(api_for, groups):
    res = api_for("editor").post(
        MOVE.format(groups["handel"].pk), {"to": groups["holding"].pk}, format="json"
    )
    assert_409_as_the_action_refuses(
        res, lambda: do_move_subtree(groups["handel"], groups["holding"], "group", actor=None)
    )
    assert "Müller Holding AG" in res.json()["to"][0]


def test_a_move_onto_a_second_parent_at_a_later_date_is_a_409_naming_to(api_for, groups, link):
    # Konkurrenz AG stands alone today and joins the holding next year: put under Handel from
    # today on, open-ended, it would have two parents then.
    later = dt.date.today() + dt.timedelta(days=365)
    link(groups["other"], groups["holding"], valid_from=later)
    res = api_for("editor").post(
        MOVE.format(groups["other"].pk), {"to": groups["handel"].pk}, format="json"
    )
    assert_409_as_the_action_refuses(
        res, lambda: do_move_subtree(groups["other"], groups["handel"], "group", actor=None)
    )
    assert "Müller Holding AG" in res.json()["to"][0]


def test_taking_a_party_off_a_parent_it_does_not_have_is_a_409_naming_to(api_for, groups):
    # Stored links, not the request, stand in the way (decision 0038, revision 3); the day is
    # written as a reader writes it.
    res = api_for("editor").post(
        MOVE.format(groups["other"].pk), {"to": None, "on": "2030-03-01"}, format="json"
    )
    assert_409_as_the_action_refuses(
        res,
        lambda: do_move_subtree(groups["other"], None, "group", actor=None, on=dt.date(2030, 3, 1)),
    )
    assert list(res.json()) == ["to"] and "01.03.2030" in res.json()["to"][0]


def test_a_move_on_the_day_the_current_link_starts_is_a_409_naming_on(api_for, groups, link, org):
    start = dt.date.today() - dt.timedelta(days=10)
    newcomer = org("Neuzugang GmbH")
    link(newcomer, groups["other"], valid_from=start)
    res = api_for("editor").post(
        MOVE.format(newcomer.pk),
        {"to": groups["holding"].pk, "on": start.isoformat(), "dry_run": True},
        format="json",
    )
    assert_409_as_the_action_refuses(
        res, lambda: check_move(newcomer, groups["holding"], "group", actor=None, on=start)
    )
    assert list(res.json()) == ["on"] and start.strftime("%d.%m.%Y") in res.json()["on"][0]


def test_a_move_under_itself_is_a_400_before_what_the_stored_links_refuse(
    api_for, groups, link, org
):
    # On the day its current link starts (a 409 alone), the request's own fault comes first.
    start = dt.date.today() - dt.timedelta(days=10)
    newcomer = org("Neuzugang GmbH")
    link(newcomer, groups["other"], valid_from=start)
    res = api_for("editor").post(
        MOVE.format(newcomer.pk), {"to": newcomer.pk, "on": start.isoformat()}, format="json"
    )
    assert res.status_code == 400, res.content
    assert list(res.json()) == ["to"]


def test_the_schema_documents_the_409_of_a_move_the_stored_links_refuse():
    response = api_schema()["paths"]["/api/v1/parties/{id}/hierarchy/move/"]["post"]["responses"][
        "409"
    ]
    body = response["content"]["application/json"]["schema"]
    assert set(body["properties"]) == {"to", "on", "non_field_errors"}
    assert body["additionalProperties"] is False and "cycle" in response["description"]


def test_moving_needs_the_permission_to_set_a_parent(api_for, groups):
    res = api_for("viewer").post(
        MOVE.format(groups["handel"].pk), {"to": groups["other"].pk}, format="json"
    )
    assert res.status_code == 403
    assert selectors.ultimate_parent(groups["handel"].pk, "group") == groups["holding"].pk


def test_moving_needs_the_permission_to_end_a_link_as_well_as_to_add_one(make_user, groups):
    from django.contrib.auth.models import Permission
    from django.test import Client
    from rest_framework.test import APIClient

    user = make_user("viewer", username="adds-only")
    user.user_permissions.add(Permission.objects.get(codename="add_relationship"))
    api = APIClient()
    api.force_authenticate(user)
    res = api.post(MOVE.format(groups["handel"].pk), {"to": groups["other"].pk}, format="json")
    assert res.status_code == 403
    page = Client()
    page.force_login(user)
    assert page.get(f"/parties/{groups['handel'].pk}/hierarchy/move/").status_code == 403
    assert selectors.ultimate_parent(groups["handel"].pk, "group") == groups["holding"].pk
    user.user_permissions.add(Permission.objects.get(codename="change_relationship"))
    user = type(user).objects.get(pk=user.pk)  # permissions are cached per instance
    api.force_authenticate(user)
    res = api.post(MOVE.format(groups["handel"].pk), {"to": groups["other"].pk}, format="json")
    assert res.status_code == 200


def test_bad_move_input_is_a_400_naming_the_field(api_for, groups):
    api = api_for("editor")
    url = MOVE.format(groups["handel"].pk)
    for payload, field in (
        ({"to": 99999999}, "to"),
        ({"to": "abc"}, "to"),
        ({"to": groups["other"].pk, "on": "gestern"}, "on"),
        ({"to": groups["other"].pk, "type": "no-such-type"}, "type"),
    ):
        res = api.post(url, payload, format="json")
        assert res.status_code == 400, (payload, res.content)
        assert field in res.json(), (payload, res.json())


def test_the_move_is_documented_in_the_openapi_schema(admin_api):
    schema = admin_api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"]["/api/v1/parties/{id}/hierarchy/move/"]["post"]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    fields = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]["properties"]
    assert {"to", "type", "on", "dry_run"} <= set(fields)
    assert "200" in operation["responses"]
    # An id: no party has one below 1 or beyond the database's range.
    assert (fields["to"]["minimum"], fields["to"]["maximum"]) == (1, ID_MAX)


@pytest.mark.parametrize("to", [0, -5, ID_MAX + 1])
def test_a_parent_id_out_of_range_is_a_400_naming_to(api_for, groups, to):
    res = api_for("editor").post(MOVE.format(groups["handel"].pk), {"to": to}, format="json")
    assert res.status_code == 400 and "to" in res.json()


# --- CLI ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("keep_test_connection", "english_cli")
def test_the_cli_moves_a_party_on_a_date(capsys, groups):
    code, out, err = run_cli(
        capsys,
        "hierarchy",
        "move",
        groups["handel"].number,
        "--to",
        str(groups["other"].pk),
        "--type",
        "group",
        "--date",
        dt.date.today().isoformat(),
    )
    assert code == 0, err
    assert (
        "Müller Handel GmbH moved with 3 member(s) from Müller Holding AG to Konkurrenz AG" in out
    )
    assert selectors.ultimate_parent(groups["nord"].pk, "group") == groups["other"].pk


@pytest.mark.usefixtures("keep_test_connection", "english_cli")
def test_the_cli_dry_run_writes_nothing(capsys, groups):
    code, out, _err = run_cli(
        capsys,
        "hierarchy",
        "move",
        str(groups["handel"].pk),
        "--to",
        str(groups["other"].pk),
        "--dry-run",
    )
    assert code == 0 and "Dry run" in out and "3 member(s)" in out
    assert selectors.ultimate_parent(groups["nord"].pk, "group") == groups["holding"].pk


@pytest.mark.usefixtures("keep_test_connection")
@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["move", "{h}"], "--to"),
        (["move"], "move"),
        (["move", "{h}", "--to", "K-404"], "K-404"),
        (["move", "{h}", "--to", "{s}"], "--to"),
        (["move", "{h}", "--to", "{o}", "--date", "gestern"], "gestern"),
        (["move", "{h}", "--to", "{o}", "--type", "no-such-type"], "no-such-type"),
    ],
)
def test_the_cli_refuses_bad_moves_naming_the_argument(capsys, groups, args, names):
    ids = {"h": groups["handel"].pk, "s": groups["sued"].pk, "o": groups["other"].pk}
    assert_cli_refuses(capsys, "hierarchy", *[a.format(**ids) for a in args], names=names, lines=2)
    assert selectors.ultimate_parent(groups["nord"].pk, "group") == groups["holding"].pk


# --- pages --------------------------------------------------------------------------------


def test_the_page_confirms_with_the_member_count_before_it_moves(client_for, groups):
    c = client_for("editor")
    url = reverse("hierarchy-move", args=[groups["handel"].pk])
    page = c.get(url, {"type": "group"}).content.decode()
    assert f'value="{dt.date.today():%d.%m.%Y}"' in page
    data = {"type": "group", "other": groups["other"].pk, "on": dt.date.today().isoformat()}
    preview = c.post(url, data).content.decode()
    assert 'data-testid="move-summary"' in preview and "3 Mitglieder werden umgehängt" in preview
    assert selectors.ultimate_parent(groups["sued"].pk, "group") == groups["holding"].pk
    done = c.post(url, {**data, "confirm": "1"})
    assert done.status_code == 302
    assert selectors.ultimate_parent(groups["sued"].pk, "group") == groups["other"].pk


def test_the_page_shows_a_refusal_before_the_confirmation(client_for, groups):
    c = client_for("editor")
    url = reverse("hierarchy-move", args=[groups["handel"].pk])
    res = c.post(
        url, {"type": "group", "other": groups["nord"].pk, "on": dt.date.today().isoformat()}
    )
    body = res.content.decode()
    assert res.status_code == 400 and 'data-testid="move-errors"' in body
    assert 'data-testid="move-summary"' not in body


@pytest.mark.parametrize(
    ("to", "words"),
    [("sued", "Müller Handel GmbH → Müller Handel Süd GmbH"), ("holding", "Müller Holding AG")],
)
def test_the_page_shows_a_cycle_or_the_same_parent_at_the_parent_field(
    client_for, groups, to, words
):
    # A Conflict is a refusal like any other on the page: its message at the parent chosen.
    with pytest.raises(Conflict) as refused:
        check_move(groups["handel"], groups[to], "group", actor=None)
    c = client_for("editor")
    url = reverse("hierarchy-move", args=[groups["handel"].pk])
    res = c.post(url, {"type": "group", "other": groups[to].pk, "on": dt.date.today().isoformat()})
    assert res.status_code == 400
    assert res.context["form"].errors == {"other": refused.value.messages}
    assert words in refused.value.messages[0] and 'data-testid="move-errors"' in res.text
    assert selectors.ultimate_parent(groups["sued"].pk, "group") == groups["holding"].pk


def test_the_page_needs_the_permission_to_set_a_parent(client_for, groups):
    res = client_for("viewer").get(reverse("hierarchy-move", args=[groups["handel"].pk]))
    assert res.status_code == 403


def test_set_parent_on_a_party_with_a_parent_offers_the_move(client_for, groups):
    c = client_for("editor")
    url = reverse("hierarchy-move", args=[groups["handel"].pk])
    body = c.get(url, {"type": "group", "mode": "parent"}).content.decode()
    assert 'data-testid="move-form"' in body and "Müller Holding AG" in body
    without_parent = c.get(
        reverse("hierarchy-move", args=[groups["other"].pk]), {"type": "group", "mode": "parent"}
    )
    assert without_parent.status_code == 302
    assert without_parent["Location"].endswith(
        reverse("relationship-add", args=[groups["other"].pk]) + "?mode=parent"
    )


def test_the_file_offers_the_move_beside_the_current_link_to_the_parent(client_for, groups):
    rel = Relationship.objects.get(type__key="group", from_party=groups["handel"])
    url = reverse("party-detail", args=[groups["handel"].pk])
    move = reverse("hierarchy-move", args=[groups["handel"].pk])
    editor = client_for("editor").get(url).content.decode()
    assert f'data-testid="move-{rel.pk}"' in editor and f"{move}?type=group" in editor
    assert f"{move}?mode=parent" in editor  # "Set parent company…" leads to the move
    viewer = client_for("viewer").get(url).content.decode()
    assert f'data-testid="move-{rel.pk}"' not in viewer


def test_the_file_offers_the_move_only_to_who_may_end_a_link_as_well_as_add_one(make_user, groups):
    """Moving needs add and change (RELINK_PERMISSIONS): a user who may only add links is not
    offered a button whose page refuses them, and "Set parent company…" opens the plain new
    link for them."""
    from django.contrib.auth.models import Permission
    from django.test import Client

    user = make_user("viewer", username="adds-only")
    user.user_permissions.add(Permission.objects.get(codename="add_relationship"))
    page = Client()
    page.force_login(user)
    rel = Relationship.objects.get(type__key="group", from_party=groups["handel"])
    body = page.get(reverse("party-detail", args=[groups["handel"].pk])).content.decode()
    assert f'data-testid="move-{rel.pk}"' not in body
    move = reverse("hierarchy-move", args=[groups["handel"].pk])
    assert move not in body
    assert reverse("relationship-add", args=[groups["handel"].pk]) + "?mode=parent" in body
