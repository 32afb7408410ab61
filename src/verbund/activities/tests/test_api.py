"""The activities API: list, read, log and correct, filtered by party and by a party's group (#17.1)."""

from collections.abc import Callable
from typing import Any

from verbund.activities.actions import do_create_activity
from verbund.activities.models import Activity
from verbund.core.models import AuditRecord
from verbund.parties.models import Party
from verbund.relationships.actions import do_create_relationship


def test_a_writer_logs_an_activity_through_the_action_with_its_audit_record(
    org: Callable[..., Party], api_for: Callable[..., Any]
) -> None:
    party = org("Kunde AG")
    res = api_for("editor").post(
        "/api/v1/activities/",
        {
            "party": party.pk,
            "kind": "call",
            "subject": "Rückruf",
            "happened_at": "2026-11-03T10:00:00+01:00",
        },
        format="json",
    )
    assert res.status_code == 201, res.content
    activity = Activity.objects.get(pk=res.json()["id"])
    assert activity.party_id == party.pk and activity.user is not None
    assert res.json()["party_name"] == "Kunde AG" and res.json()["user"] == "api-editor"
    assert AuditRecord.objects.filter(action="activity.create", party_id=party.pk).exists()


def test_an_activity_without_subject_is_refused_naming_the_field(
    org: Callable[..., Party], api_for: Callable[..., Any]
) -> None:
    party = org("Kunde AG")
    client = api_for("editor")
    res = client.post("/api/v1/activities/", {"party": party.pk, "subject": " "}, format="json")
    assert res.status_code == 400 and "subject" in res.json()
    res = client.post(
        "/api/v1/activities/", {"party": party.pk, "subject": "x", "nope": 1}, format="json"
    )
    assert res.status_code == 400 and "nope" in res.json()


def test_a_correction_changes_the_activity_and_keeps_its_party(
    org: Callable[..., Party], api_for: Callable[..., Any]
) -> None:
    party = org("Kunde AG")
    activity = do_create_activity(actor=None, party=party, subject="Anruf")
    client = api_for("editor")
    res = client.patch(
        f"/api/v1/activities/{activity.pk}/", {"subject": "Besuch", "kind": "visit"}, format="json"
    )
    assert res.status_code == 200, res.content
    assert res.json()["subject"] == "Besuch" and res.json()["kind"] == "visit"
    res = client.patch(f"/api/v1/activities/{activity.pk}/", {"party": 1}, format="json")
    assert res.status_code == 400 and "party" in res.json()
    assert AuditRecord.objects.filter(action="activity.update").count() == 1


def test_the_list_filters_by_party_and_by_group(
    org: Callable[..., Party], api_for: Callable[..., Any]
) -> None:
    holding, tochter, fremd = org("Holding AG"), org("Tochter GmbH"), org("Fremd AG")
    do_create_relationship(actor=None, type="group", from_party=tochter, to_party=holding)
    for p, subject in ((holding, "H"), (tochter, "T"), (fremd, "F")):
        do_create_activity(actor=None, party=p, subject=subject)
    client = api_for("viewer")
    rows = client.get(f"/api/v1/activities/?party={tochter.pk}").json()["results"]
    assert [r["subject"] for r in rows] == ["T"]
    rows = client.get(f"/api/v1/activities/?group={tochter.pk}&type=group").json()["results"]
    assert sorted(r["subject"] for r in rows) == ["H", "T"]
    assert client.get("/api/v1/activities/?since=morgen").status_code == 400
    assert client.get("/api/v1/activities/?group=abc").status_code == 400


def test_a_viewer_may_read_but_not_log(
    org: Callable[..., Party], api_for: Callable[..., Any]
) -> None:
    party = org("Kunde AG")
    client = api_for("viewer")
    assert client.get("/api/v1/activities/").status_code == 200
    res = client.post("/api/v1/activities/", {"party": party.pk, "subject": "x"}, format="json")
    assert res.status_code == 403
