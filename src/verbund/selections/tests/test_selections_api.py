"""Selections through the API: saved with POST /api/v1/selections/, run by id, counted,
private or shared with a role, changed and deleted by their owner only; bad filters are a
400 naming the filter and nothing is saved."""

from collections.abc import Callable
from typing import Any

import pytest

from verbund.core.models import AuditRecord
from verbund.selections.models import Selection
from verbund.selections.tests.conftest import THIS_YEAR, ids, names

pytestmark = pytest.mark.django_db

URL = "/api/v1/selections/"


@pytest.fixture
def api(api_for: Callable[..., Any]) -> Any:
    return api_for("editor")


def save(api: Any, name: str, filters: dict[str, Any], **extra: Any) -> dict[str, Any]:
    response = api.post(URL, {"name": name, "filters": filters, **extra}, format="json")
    assert response.status_code == 201, response.content[:500]
    return response.json()


def test_a_saved_selection_runs_by_id_with_the_same_filters_as_the_party_list(api, world):
    filters = {"group": world["holding"].pk, "revenue_min": "1000"}
    saved = save(api, "Große Müller-Kunden", filters)
    assert saved["filters"] == {"group": str(world["holding"].pk), "revenue_min": "1000"}
    assert saved["owner"] == "api-editor" and saved["shared_with"] is None
    run = ids(api.get(f"{URL}{saved['id']}/parties/"))
    assert names(world, run) == {"holding", "handel"}
    direct = ids(api.get("/api/v1/parties/", filters))
    assert run == direct
    assert api.get(f"{URL}{saved['id']}/count/").json() == {"count": 2}
    assert AuditRecord.objects.filter(action="selection.create", object_id=saved["id"]).exists()


def test_the_count_comes_before_saving_for_any_filters(api, world):
    response = api.get("/api/v1/party-counts/", {"group": world["holding"].pk, "revenue_min": 1000})
    assert response.status_code == 200 and response.json() == {"count": 2}
    response = api.get("/api/v1/party-counts/", {"gruppe": 1})
    assert response.status_code == 400 and "gruppe" in response.json()


def test_a_repeated_parameter_is_saved_as_a_list(api, world):
    saved = save(api, "Kunden und Lieferanten", {"status": ["customer", "supplier"]})
    assert saved["filters"] == {"status": ["customer", "supplier"]}
    assert len(ids(api.get(f"{URL}{saved['id']}/parties/"))) == len(world)


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"gruppe": 1}, "gruppe"),
        ({"group": "abc"}, "group"),
        ({"revenue_min": "viel"}, "revenue_min"),
        ({"no_revenue_from": "2025-13"}, "no_revenue_from"),
        ({"depth_max": 2}, "depth_max"),
        ({"cursor": "x"}, "cursor"),
        ({"group": {"a": 1}}, "group"),
        ({"group": [[1]]}, "group"),
        ({"q": "x" * 501}, "q"),
    ],
)
def test_bad_filters_are_a_400_naming_the_filter_and_nothing_is_saved(api, world, filters, field):
    response = api.post(URL, {"name": "Kaputt", "filters": filters}, format="json")
    assert response.status_code == 400, response.content[:300]
    assert field in response.json(), response.json()
    assert not Selection.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "", "filters": {}}, "name"),
        ({"name": "x" * 201, "filters": {}}, "name"),
        ({"name": "A", "filters": "group=1"}, "filters"),
        ({"name": "A", "filters": [1]}, "filters"),
        ({"name": "A", "shared_with": "chef"}, "shared_with"),
        ({"name": "A", "shared_with": "compliance"}, "shared_with"),
        ({"name": "A", "farbe": "rot"}, "farbe"),
    ],
)
def test_a_bad_body_is_a_400_naming_the_field(api, world, body, field):
    response = api.post(URL, body, format="json")
    assert response.status_code == 400, response.content[:300]
    assert field in response.json(), response.json()


def test_a_name_is_unique_per_owner(api, api_for, world):
    save(api, "Meine", {})
    response = api.post(URL, {"name": "Meine", "filters": {}}, format="json")
    assert response.status_code == 400 and "name" in response.json()
    save(api_for("viewer"), "Meine", {})


def test_private_selections_stay_private_and_shared_ones_reach_the_role(api, api_for, world):
    private = save(api, "Privat", {"city": "Köln"})
    shared = save(api, "Für alle Bearbeiter", {"city": "Köln"}, shared_with="editor")
    steward = api_for("steward")  # the steward role includes the editor role
    compliance = api_for("compliance")  # ... the compliance role does not
    viewer = api_for("viewer")
    assert {s["id"] for s in api.get(URL).json()["results"]} == {private["id"], shared["id"]}
    assert viewer.get(f"{URL}{private['id']}/").status_code == 404
    assert viewer.get(f"{URL}{shared['id']}/parties/").status_code == 404
    assert compliance.get(f"{URL}{shared['id']}/").status_code == 404
    assert steward.get(f"{URL}{shared['id']}/").status_code == 200
    colleague = api_for(None)
    from django.contrib.auth.models import Group

    user = colleague.handler._force_user
    user.groups.add(Group.objects.get(name="editor"))
    assert colleague.get(f"{URL}{shared['id']}/parties/").status_code == 200
    # Only the owner changes or deletes it.
    assert (
        colleague.patch(f"{URL}{shared['id']}/", {"name": "Meins"}, format="json").status_code
        == 403
    )
    assert colleague.delete(f"{URL}{shared['id']}/").status_code == 403


def test_the_owner_changes_and_deletes_a_selection(api, world):
    saved = save(api, "Alt", {"city": "Köln"})
    url = f"{URL}{saved['id']}/"
    response = api.patch(url, {"name": "Neu", "filters": {"city": "Bonn"}}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["filters"] == {"city": "Bonn"}
    assert names(world, ids(api.get(f"{url}parties/"))) == {"verband", "mitglied1"}
    assert api.patch(url, {"filters": {"city": "Bonn", "x": 1}}, format="json").status_code == 400
    assert api.delete(url).status_code == 204
    assert not Selection.objects.exists()
    assert AuditRecord.objects.filter(action="selection.delete").count() == 1


def test_a_selection_runs_with_its_own_filters_only(api, world):
    saved = save(api, "Köln", {"city": "Köln"})
    response = api.get(f"{URL}{saved['id']}/parties/", {"city": "Bonn"})
    assert response.status_code == 400 and "city" in response.json()
    response = api.get(f"{URL}{saved['id']}/parties/", {"page_size": 1})
    assert response.status_code == 200 and len(response.json()["results"]) == 1


def test_white_space_is_a_selection_of_the_members_without_revenue(api, world):
    from verbund.revenue.actions import do_record_revenue
    from verbund.selections.rules import last_twelve_months
    from verbund.selections.selectors import white_space_filters

    first, last = last_twelve_months()
    do_record_revenue(actor=None, party=world["mitglied2"], month=last, amount="10.00")
    filters = white_space_filters(world["verband"].pk, "settlement")
    saved = save(api, "Weiße Flecken Verband", filters)
    found = names(world, ids(api.get(f"{URL}{saved['id']}/parties/")))
    # Mitglied 1 bought this year (January) unless January is more than 11 months ago.
    assert "mitglied2" not in found and "verband" in found
    assert found <= {"verband", "mitglied1", "liefer"}
    assert first.year in (THIS_YEAR, THIS_YEAR - 1)
