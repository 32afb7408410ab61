"""The whole group's contacts, members and activities, as the API and the file show them (#17.1)."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from verbund.activities.actions import do_create_activity
from verbund.parties.models import Party
from verbund.relationships.actions import do_create_relationship


@pytest.fixture
def konzern(
    org: Callable[..., Party], person: Callable[..., Party], link: Callable[..., Any]
) -> dict[str, Party]:
    holding = org("Müller Holding AG")
    gmbh = org("Müller GmbH", city="Bonn")
    logistik = org("Müller Logistik GmbH")
    outsider = org("Fremd AG")
    link(gmbh, holding)
    link(logistik, gmbh)
    anna = person(
        "Anna",
        "Arndt",
        organisation=holding,
        position="CFO",
        phone="0221 1",
        email="anna@mueller.example",
    )
    bernd = person("Bernd", "Berger", organisation=logistik, position="Lager")
    carla = person("Carla", "Clausen", position="Beraterin")
    do_create_relationship(actor=None, type="contact", from_party=carla, to_party=gmbh)
    person("Dora", "Dietz", organisation=outsider)
    return {"holding": holding, "gmbh": gmbh, "logistik": logistik, "outsider": outsider,
            "anna": anna, "bernd": bernd, "carla": carla}  # fmt: skip


def test_the_contacts_of_every_member_come_from_any_member_member_by_member(
    konzern: dict[str, Party], api_for: Callable[..., Any]
) -> None:
    res = api_for("viewer").get(
        f"/api/v1/parties/{konzern['logistik'].pk}/group/contacts/?type=group"
    )
    assert res.status_code == 200, res.content
    body = res.json()
    assert body["root_id"] == konzern["holding"].pk
    rows = body["results"]
    # The top first, then each level: a filed person and a linked one alike.
    assert [(r["display_name"], r["member_id"]) for r in rows] == [
        ("Anna Arndt", konzern["holding"].pk),
        ("Carla Clausen", konzern["gmbh"].pk),
        ("Bernd Berger", konzern["logistik"].pk),
    ]
    assert rows[0]["position"] == "CFO" and rows[0]["phone"] == "0221 1"
    assert rows[0]["email"] == "anna@mueller.example"
    assert rows[0]["member_name"] == "Müller Holding AG"


def test_the_contacts_come_in_pages_with_a_cursor(
    konzern: dict[str, Party], api_for: Callable[..., Any]
) -> None:
    client = api_for("viewer")
    url = f"/api/v1/parties/{konzern['holding'].pk}/group/contacts/?type=group&page_size=2"
    first = client.get(url).json()
    assert len(first["results"]) == 2 and first["next"]
    second = client.get(first["next"]).json()
    assert [r["display_name"] for r in second["results"]] == ["Bernd Berger"]
    assert second["next"] is None


def test_the_contacts_of_one_member_only(
    konzern: dict[str, Party], api_for: Callable[..., Any]
) -> None:
    client = api_for("viewer")
    res = client.get(
        f"/api/v1/parties/{konzern['holding'].pk}/group/contacts/?member={konzern['gmbh'].pk}"
    )
    assert [r["display_name"] for r in res.json()["results"]] == ["Carla Clausen"]
    res = client.get(
        f"/api/v1/parties/{konzern['holding'].pk}/group/contacts/?member={konzern['outsider'].pk}"
    )
    assert res.status_code == 400 and "member" in res.json()


@pytest.mark.parametrize(
    ("query", "field"),
    [("type=nope", "type"), ("page_size=0", "page_size"), ("member=abc", "member")],
)
def test_bad_contact_parameters_are_refused_naming_the_field(
    konzern: dict[str, Party], api_for: Callable[..., Any], query: str, field: str
) -> None:
    res = api_for("viewer").get(f"/api/v1/parties/{konzern['gmbh'].pk}/group/contacts/?{query}")
    assert res.status_code == 400 and field in res.json()


def test_a_party_in_no_group_is_a_group_of_one(
    konzern: dict[str, Party], api_for: Callable[..., Any]
) -> None:
    res = api_for("viewer").get(f"/api/v1/parties/{konzern['outsider'].pk}/group/contacts/")
    assert [r["display_name"] for r in res.json()["results"]] == ["Dora Dietz"]


def _log(party: Party, subject: str, days_ago: int, kind: str = "call") -> Any:
    return do_create_activity(
        actor=None,
        party=party,
        subject=subject,
        kind=kind,
        happened_at=timezone.now() - dt.timedelta(days=days_ago),
    )


def test_the_group_timeline_holds_every_members_activities_newest_first(
    konzern: dict[str, Party], api_for: Callable[..., Any]
) -> None:
    _log(konzern["holding"], "Jahresgespräch", 30, "visit")
    _log(konzern["logistik"], "Reklamation", 2)
    _log(konzern["gmbh"], "Angebot", 10, "mail")
    _log(konzern["outsider"], "Fremd", 1)
    client = api_for("viewer")
    base = f"/api/v1/parties/{konzern['gmbh'].pk}/group/activities/?type=group"
    rows = client.get(base).json()["results"]
    assert [r["subject"] for r in rows] == ["Reklamation", "Angebot", "Jahresgespräch"]
    assert rows[0]["member_id"] == konzern["logistik"].pk
    since = (dt.date.today() - dt.timedelta(days=15)).isoformat()
    rows = client.get(f"{base}&since={since}").json()["results"]
    assert [r["subject"] for r in rows] == ["Reklamation", "Angebot"]
    rows = client.get(f"{base}&kind=visit").json()["results"]
    assert [r["subject"] for r in rows] == ["Jahresgespräch"]
    rows = client.get(f"{base}&member={konzern['gmbh'].pk}").json()["results"]
    assert [r["subject"] for r in rows] == ["Angebot"]
    first = client.get(f"{base}&page_size=2").json()
    rest = client.get(first["next"]).json()
    assert [r["subject"] for r in rest["results"]] == ["Jahresgespräch"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("since=gestern", "since"),
        ("kind=fax", "kind"),
        ("since=2026-02-01&until=2026-01-01", "until"),
    ],
)
def test_bad_timeline_parameters_are_refused_naming_the_field(
    konzern: dict[str, Party], api_for: Callable[..., Any], query: str, field: str
) -> None:
    res = api_for("viewer").get(f"/api/v1/parties/{konzern['gmbh'].pk}/group/activities/?{query}")
    assert res.status_code == 400 and field in res.json()


def test_the_file_of_a_member_shows_the_groups_contacts_activities_and_last_contact(
    konzern: dict[str, Party], client_for: Callable[..., Any]
) -> None:
    _log(konzern["logistik"], "Reklamation", 2)
    client = client_for("viewer")
    sections = client.get(f"/parties/{konzern['gmbh'].pk}/sections/hierarchies/")
    assert sections.status_code == 200
    html = sections.content.decode()
    assert f"/parties/{konzern['gmbh'].pk}/group/contacts/?type=group" in html
    contacts = client.get(
        f"/parties/{konzern['gmbh'].pk}/group/contacts/?type=group"
    ).content.decode()
    assert "Anna Arndt" in contacts and "Carla Clausen" in contacts and "Dora" not in contacts
    timeline = client.get(
        f"/parties/{konzern['gmbh'].pk}/group/activities/?type=group"
    ).content.decode()
    assert "Reklamation" in timeline
    members = client.get(
        f"/parties/{konzern['gmbh'].pk}/group/members/?type=group"
    ).content.decode()
    assert "Müller Logistik GmbH" in members
    assert (dt.date.today() - dt.timedelta(days=2)).strftime("%d.%m.%Y") in members
    bad = client.get(f"/parties/{konzern['gmbh'].pk}/group/activities/?since=gestern")
    assert bad.status_code == 400


def test_the_tree_nodes_count_their_contacts_and_activities(
    konzern: dict[str, Party], api_for: Callable[..., Any], client_for: Callable[..., Any]
) -> None:
    _log(konzern["logistik"], "Reklamation", 2)
    _log(konzern["logistik"], "Angebot", 3)
    res = api_for("viewer").get(
        f"/api/v1/parties/{konzern['gmbh'].pk}/hierarchy/?type=group&annotations=1"
    )
    root = res.json()["root"]
    assert root["annotations"]["contacts"] == 1
    logistik = root["children"][0]["children"][0]
    assert logistik["annotations"] == {**logistik["annotations"], "contacts": 1, "activities": 2}
    ids = ",".join(str(konzern[k].pk) for k in ("holding", "gmbh", "logistik"))
    html = (
        client_for("viewer").get(f"/hierarchy/annotations/?type=group&ids={ids}").content.decode()
    )
    assert "2 Aktivitäten" in html and "1 Ansprechpartner" in html


def test_paging_through_the_contacts_returns_each_once_in_order(
    konzern: dict[str, Party], person: Callable[..., Party], api_for: Callable[..., Any]
) -> None:
    for i, member in enumerate(["holding", "gmbh", "logistik", "gmbh", "holding"]):
        p = person("Zoe", f"Zander {i}", organisation=konzern[member] if i % 2 == 0 else None)
        if i % 2:
            do_create_relationship(
                actor=None, type="contact", from_party=p, to_party=konzern[member]
            )
    client = api_for("viewer")
    base = f"/api/v1/parties/{konzern['gmbh'].pk}/group/contacts/?type=group"
    whole = [(r["id"], r["member_id"]) for r in client.get(base).json()["results"]]
    paged, url = [], f"{base}&page_size=2"
    for _ in range(20):  # a cursor that is not followed must fail the test, not hang it
        if not url:
            break
        body = client.get(url).json()
        paged += [(r["id"], r["member_id"]) for r in body["results"]]
        url = body["next"]
    assert paged == whole and len(whole) == 8 and len(set(whole)) == 8


def test_a_reader_without_the_activities_right_gets_no_activity_counts_on_the_tree(
    konzern: dict[str, Party], make_user: Callable[..., Any]
) -> None:
    # Each app's node facts reach only who may read them (hierarchies.facts): the same rule
    # for the API, the tree's annotations and the org chart.
    from django.contrib.auth.models import Permission
    from django.test import Client
    from rest_framework.test import APIClient

    _log(konzern["logistik"], "Reklamation", 2)
    reader = make_user(None, username="parties-only")
    reader.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label__in=["parties", "relationships"], codename__startswith="view_"
        )
    )
    api = APIClient()
    api.force_authenticate(reader)
    res = api.get(f"/api/v1/parties/{konzern['gmbh'].pk}/hierarchy/?type=group&annotations=1")
    assert res.status_code == 200
    logistik = res.json()["root"]["children"][0]["children"][0]
    assert "activities" not in logistik.get("annotations", {})
    page = Client()
    page.force_login(reader)
    html = page.get(
        f"/hierarchy/annotations/?type=group&ids={konzern['logistik'].pk}"
    ).content.decode()
    assert "Aktivitäten" not in html
