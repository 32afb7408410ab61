"""The hierarchy API, the CLI and the consistency check, as their users see them."""

import datetime as dt
import json
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from verbund.hierarchies.actions import do_move_subtree
from verbund.hierarchies.models import ClosureEntry
from verbund.parties.models import Party


@pytest.fixture
def group(org: Callable[..., Party], link: Callable[..., Any]) -> dict[str, Party]:
    holding = org("Müller Holding AG", erp_source="SAP", erp_id="4711")
    gmbh = org("Müller GmbH", city="Bonn")
    logistik = org("Müller Logistik GmbH")
    lager = org("Müller Lager GmbH")
    link(gmbh, holding)
    link(logistik, gmbh)
    link(lager, holding)
    return {"holding": holding, "gmbh": gmbh, "logistik": logistik, "lager": lager}


def test_the_endpoint_returns_the_tree_from_the_ultimate_parent(
    group: dict[str, Party], api_for: Callable[..., Any]
) -> None:
    res = api_for("viewer").get(f"/api/v1/parties/{group['logistik'].pk}/hierarchy/?type=group")
    assert res.status_code == 200, res.content
    root = res.json()["root"]
    assert root["id"] == group["holding"].pk and root["child_count"] == 2 and root["depth"] == 0
    gmbh = next(c for c in root["children"] if c["id"] == group["gmbh"].pk)
    assert gmbh["city"] == "Bonn" and gmbh["number"] == group["gmbh"].number
    assert gmbh["children"][0]["requested"] is True


def test_the_endpoint_loads_one_level_on_request(
    group: dict[str, Party], api_for: Callable[..., Any]
) -> None:
    client = api_for("viewer")
    res = client.get(f"/api/v1/parties/{group['lager'].pk}/hierarchy/?type=group&depth=0")
    root = res.json()["root"]
    gmbh = next(c for c in root["children"] if c["id"] == group["gmbh"].pk)
    assert gmbh["children"] is None and gmbh["child_count"] == 1
    res = client.get(
        f"/api/v1/parties/{group['lager'].pk}/hierarchy/?type=group&node={group['gmbh'].pk}"
    )
    assert [c["id"] for c in res.json()["children"]] == [group["logistik"].pk]


def test_the_endpoint_answers_for_a_past_date(
    group: dict[str, Party], api_for: Callable[..., Any]
) -> None:
    do_move_subtree(group["logistik"], group["lager"], "group", actor=None)
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    client = api_for("viewer")
    res = client.get(
        f"/api/v1/parties/{group['logistik'].pk}/hierarchy/?type=group&as_of={yesterday}"
    )
    assert res.status_code == 200
    gmbh = next(c for c in res.json()["root"]["children"] if c["id"] == group["gmbh"].pk)
    assert gmbh["on_path"] and gmbh["children"][0]["requested"]
    res = client.get(f"/api/v1/parties/{group['logistik'].pk}/hierarchy/?type=group")
    lager = next(c for c in res.json()["root"]["children"] if c["id"] == group["lager"].pk)
    assert lager["on_path"] and lager["children"][0]["requested"]


def test_without_a_type_the_hierarchies_are_listed(
    group: dict[str, Party], api_for: Callable[..., Any]
) -> None:
    res = api_for("viewer").get(f"/api/v1/parties/{group['logistik'].pk}/hierarchy/")
    [entry] = res.json()["hierarchies"]
    assert entry == {
        "type_key": "group",
        "type_name": entry["type_name"],
        "root_id": group["holding"].pk,
        "size": 4,
        "depth": 2,
    }


def test_the_ancestors_endpoint_lists_the_path_from_the_top(
    group: dict[str, Party], api_for: Callable[..., Any]
) -> None:
    res = api_for("viewer").get(f"/api/v1/parties/{group['logistik'].pk}/ancestors/?type=group")
    assert [n["id"] for n in res.json()["ancestors"]] == [group["holding"].pk, group["gmbh"].pk]


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("type=nope", "type"),
        ("type=supplier", "type"),
        ("type=group&as_of=2024-13-01", "as_of"),
        ("type=group&depth=x", "depth"),
        ("type=group&depth=-1", "depth"),
        ("type=group&node=abc", "node"),
    ],
)
def test_bad_parameters_are_refused_naming_the_parameter(
    group: dict[str, Party], api_for: Callable[..., Any], query: str, param: str
) -> None:
    res = api_for("viewer").get(f"/api/v1/parties/{group['gmbh'].pk}/hierarchy/?{query}")
    assert res.status_code == 400
    assert param in res.json()


def test_the_endpoint_needs_the_view_permission(
    group: dict[str, Party], api_for: Callable[..., Any]
) -> None:
    assert (
        api_for(None).get(f"/api/v1/parties/{group['gmbh'].pk}/hierarchy/?type=group").status_code
        == 403
    )


def test_the_group_endpoint_sends_every_member_as_a_row(
    group: dict[str, Party], api_for: Callable[..., Any]
) -> None:
    res = api_for("viewer").get(f"/api/v1/parties/{group['logistik'].pk}/group/?type=group")
    assert res.status_code == 200, res.content
    body = res.json()
    assert body["columns"] == [
        "id", "number", "name", "city", "depth", "child_count", "parent_id"
    ]  # fmt: skip
    members = [dict(zip(body["columns"], row, strict=True)) for row in body["rows"]]
    assert body["root_id"] == group["holding"].pk and body["count"] == 4
    assert [m["depth"] for m in members] == [0, 1, 1, 2]
    by_id = {m["id"]: m for m in members}
    assert by_id[group["holding"].pk]["child_count"] == 2
    assert by_id[group["holding"].pk]["parent_id"] is None
    assert by_id[group["logistik"].pk]["parent_id"] == group["gmbh"].pk
    assert by_id[group["gmbh"].pk]["city"] == "Bonn"
    assert by_id[group["gmbh"].pk]["number"] == group["gmbh"].number


def test_the_group_endpoint_answers_for_a_past_date(
    group: dict[str, Party], api_for: Callable[..., Any]
) -> None:
    do_move_subtree(group["logistik"], group["lager"], "group", actor=None)
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    client = api_for("viewer")
    url = f"/api/v1/parties/{group['logistik'].pk}/group/"
    then = client.get(f"{url}?as_of={yesterday}").json()
    now = client.get(url).json()
    parent = then["columns"].index("parent_id")
    assert {r[0]: r[parent] for r in then["rows"]}[group["logistik"].pk] == group["gmbh"].pk
    assert {r[0]: r[parent] for r in now["rows"]}[group["logistik"].pk] == group["lager"].pk


def test_a_party_outside_any_group_is_a_group_of_one(
    org: Callable[..., Party], api_for: Callable[..., Any]
) -> None:
    alone = org("Einzelhandel Schulz")
    body = api_for("viewer").get(f"/api/v1/parties/{alone.pk}/group/").json()
    assert body["count"] == 1 and body["root_id"] == alone.pk
    assert body["rows"] == [[alone.pk, alone.number, alone.name, alone.city, 0, 0, None]]


def test_the_group_endpoint_refuses_an_unknown_type_and_needs_permission(
    group: dict[str, Party], api_for: Callable[..., Any]
) -> None:
    url = f"/api/v1/parties/{group['gmbh'].pk}/group/"
    viewer = api_for("viewer")
    assert viewer.get(f"{url}?type=nonsense").status_code == 400
    assert viewer.get(f"{url}?as_of=2024-13-01").status_code == 400
    assert api_for(None).get(url).status_code == 403


@pytest.mark.usefixtures("english_cli")
def test_the_cli_prints_the_tree_for_an_erp_key(group: dict[str, Party]) -> None:
    out = StringIO()
    call_command("hierarchy", "SAP:4711", "--type", "group", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[1].startswith("Müller Holding AG") and lines[1].endswith("*")
    assert any(line.startswith("    Müller Logistik GmbH") for line in lines)


def test_the_cli_prints_json_for_a_number(group: dict[str, Party]) -> None:
    out = StringIO()
    call_command("hierarchy", group["logistik"].number, "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["trees"]["group"]["id"] == group["holding"].pk


def test_the_cli_refresh_runs(group: dict[str, Party]) -> None:
    out = StringIO()
    call_command("hierarchy", "refresh", stdout=out)
    assert "group" in out.getvalue()


@pytest.mark.usefixtures("english_cli")
def test_the_consistency_check_reports_a_corrupted_closure(group: dict[str, Party]) -> None:
    out = StringIO()
    call_command("check", "hierarchies", stdout=out)
    assert "0 difference" in out.getvalue()
    ClosureEntry.objects.filter(ancestor=group["holding"], descendant=group["logistik"]).delete()
    ClosureEntry.objects.create(
        type_id=ClosureEntry.objects.first().type_id,
        ancestor=group["lager"],
        descendant=group["gmbh"],
        depth=1,
    )  # type: ignore[union-attr]
    # A wrong child count is a difference too: the holding's self row says 5, not 2.
    ClosureEntry.objects.filter(descendant=group["holding"], depth=0).update(child_count=5)
    out = StringIO()
    with pytest.raises(CommandError, match="4 difference"):
        call_command("check", "hierarchies", stdout=out)
    text = out.getvalue()
    holding, gmbh = group["holding"].pk, group["gmbh"].pk
    assert f"missing {holding} > {group['logistik'].pk} (2, parent {gmbh}, 0 children)" in text
    assert f"extra {group['lager'].pk} > {gmbh} (1, parent None, 0 children)" in text
    assert f"missing {holding} > {holding} (0, parent None, 2 children)" in text
    assert f"extra {holding} > {holding} (0, parent None, 5 children)" in text
