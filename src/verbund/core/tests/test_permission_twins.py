"""The UI asks for what its API twin asks for, part by part (issue 21 point 2): a file's
sections, a count, a form that creates a party on the way. The role matrix (test_api_roles)
cannot see these: every role holds both codenames. A user with permissions of their own can."""

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client, RequestFactory

from verbund.parties.models import Party

pytestmark = pytest.mark.django_db


def _user_with(make_user: Any, name: str, *codenames: str) -> Any:
    user = make_user(None, username=name)
    for label in codenames:
        app, codename = label.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app, codename=codename)
        )
    return user


def _request(user: Any) -> Any:
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_the_timeline_of_a_file_asks_for_the_activities_right(org, make_user):
    from verbund.activities.sections import party_sections

    party = org("Zeitleiste GmbH")
    reader = _user_with(make_user, "parties-only", "parties.view_party")
    assert party_sections(_request(reader), party) == []
    reader = _user_with(
        make_user, "with-activities", "parties.view_party", "activities.view_activity"
    )
    assert [s.key for s in party_sections(_request(reader), party)] == ["activities"]


def test_the_links_of_a_file_ask_for_the_relationships_right(org, make_user):
    from verbund.relationships.sections import party_file

    party = org("Verknüpft GmbH")
    reader = _user_with(make_user, "parties-only", "parties.view_party")
    assert party_file(_request(reader), party).sections == []
    reader = _user_with(
        make_user, "with-links", "parties.view_party", "relationships.view_relationship"
    )
    assert [s.key for s in party_file(_request(reader), party).sections] == ["relationships"]


def test_a_selections_count_asks_for_the_parties_right_as_its_api_does(make_user):
    from verbund.selections.actions import do_save_selection

    owner = _user_with(
        make_user, "selections-only", "selections.view_selection", "selections.add_selection"
    )
    selection = do_save_selection(actor=owner, name="Köln", filters={"city": "Köln"})
    client = Client()
    client.force_login(owner)
    assert client.get(f"/selections/{selection.pk}/count/").status_code == 403


def test_adding_a_new_subsidiary_asks_for_the_right_to_create_a_party(org, make_user):
    mother = org("Mutter AG")
    linker = _user_with(
        make_user, "links-only", "parties.view_party", "relationships.add_relationship",
        "relationships.view_relationship",
    )  # fmt: skip
    client = Client()
    client.force_login(linker)
    before = Party.objects.count()
    answer = client.post(
        f"/parties/{mother.pk}/relationships/new/",
        {"mode": "subsidiary", "choice": "group:inv", "new_name": "Tochter GmbH"},
    )
    assert answer.status_code == 403
    assert Party.objects.count() == before


def test_a_files_history_is_the_audit_trail_and_asks_for_the_right_to_read_it(org, make_user):
    party = org("Verlauf GmbH")
    client = Client()
    client.force_login(_user_with(make_user, "parties-only", "parties.view_party"))
    page = client.get(f"/parties/{party.pk}/").content.decode()
    assert 'id="history"' not in page
    client.force_login(
        _user_with(make_user, "with-audit", "parties.view_party", "core.view_auditrecord")
    )
    page = client.get(f"/parties/{party.pk}/").content.decode()
    assert 'id="history"' in page and 'data-testid="history-entry"' in page


def test_a_list_versions_entries_ask_for_the_right_to_read_list_entries(make_user):
    from verbund.compliance.actions import do_import_list
    from verbund.compliance.tests import fixtures

    files = [("sdn.csv", fixtures.OFAC_SDN), ("alt.csv", fixtures.OFAC_ALT)]
    slist = do_import_list("ofac-csv", files, actor=None).list
    client = Client()
    client.force_login(
        _user_with(
            make_user, "with-entries", "compliance.view_sanctionslist", "compliance.view_listentry"
        )
    )
    assert client.get(f"/compliance/lists/{slist.pk}/").context["changes"] != []
    client.force_login(_user_with(make_user, "lists-only", "compliance.view_sanctionslist"))
    response = client.get(f"/compliance/lists/{slist.pk}/")
    assert response.status_code == 200
    assert response.context["changes"] == []


@pytest.mark.parametrize(
    "url",
    [
        "/parties/new/?kind=person&organisation=%C2%B2",
        "/?q=x&page=%C2%B2",
        "/hierarchy/annotations/?type=group&ids=%C2%B2,1",
    ],
)
def test_a_digit_of_another_kind_in_an_id_parameter_is_no_server_error(url, client_for):
    # "²".isdigit() is true and int("²") fails: ids are read by core.forms.id_param.
    assert client_for("steward").get(url).status_code < 500


def test_a_digit_of_another_kind_in_a_party_pages_parameter_is_no_server_error(client_for, org):
    top, child = org("Mutter AG"), org("Tochter GmbH")
    from verbund.relationships.actions import do_create_relationship

    do_create_relationship(actor=None, type="group", from_party=child, to_party=top)
    c = client_for("steward")
    for url in (
        f"/parties/{top.pk}/hierarchy/?type=group&levels=%C2%B2",
        f"/parties/{top.pk}/hierarchy/children/?type=group&current=%C2%B2",
        f"/parties/{top.pk}/hierarchy/chart/?type=group&levels=%C2%B2&open=%C2%B2",
        f"/quality/compare/?party={top.pk}&party=%C2%B2",
    ):
        assert c.get(url).status_code < 500, url
    answer = c.post(f"/parties/{top.pk}/relationships/new/", {"other": "²"})
    assert answer.status_code < 500
