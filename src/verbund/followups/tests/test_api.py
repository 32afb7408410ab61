"""The follow-ups API: the caller's open ones by default, the shared filters, create, change,
complete (logging an activity), reopen and delete through the actions; bad input is a 400
naming the field, never a 500."""

import datetime as dt

import pytest
from django.utils import timezone

from verbund.activities.models import Activity
from verbund.core.testing import (
    assert_not_ids_are_404,
    assert_queries_stay,
    assert_refuses_bad_input,
    assert_refuses_bad_query,
)
from verbund.core.tests.openapi import component
from verbund.followups.actions import do_complete_follow_up, do_create_follow_up
from verbund.followups.models import FollowUp

pytestmark = pytest.mark.django_db

URL = "/api/v1/follow-ups/"


def _today() -> dt.date:
    return timezone.localdate()


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def editor(make_user):
    return make_user("editor", username="vertrieb")


@pytest.fixture
def api(editor):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(editor)
    return client


def test_a_follow_up_created_through_the_api_is_the_caller_s_and_reads_as_the_schema_says(
    api, editor, org
):
    party = org("Müller GmbH")
    response = api.post(
        URL, {"party": party.pk, "due_on": "2026-12-14", "subject": "Zurückrufen"}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["assigned_to"] == editor.pk and body["open"] is True and body["done_at"] is None
    assert body["party_name"] == "Müller GmbH"
    schema = component("FollowUp")
    assert set(body) == set(schema["properties"])
    nullable = {name for name, field in schema["properties"].items() if field.get("nullable")}
    assert nullable == {
        "assigned_to", "assigned_to_name", "done_at", "done_by", "activity", "created_by"
    }  # fmt: skip
    assert FollowUp.objects.get().created_by == editor


def test_the_list_shows_the_caller_s_open_follow_ups_unless_the_filters_say_otherwise(
    api, editor, org, make_user
):
    colleague = make_user("editor", username="kollege")
    party, other = org("A GmbH"), org("B GmbH")
    today = _today()
    mine_late = do_create_follow_up(
        actor=editor, party=party, due_on=today + dt.timedelta(days=5), subject="Später"
    )
    mine_now = do_create_follow_up(actor=editor, party=other, due_on=today, subject="Heute")
    mine_done = do_create_follow_up(actor=editor, party=party, due_on=today, subject="Erledigt")
    do_complete_follow_up(mine_done, actor=editor)
    theirs = do_create_follow_up(actor=colleague, party=party, due_on=today, subject="Kollege")
    assert _ids(api.get(URL)) == [mine_now.pk, mine_late.pk]
    assert _ids(api.get(URL, {"assigned_to": "me"})) == [mine_now.pk, mine_late.pk]
    assert _ids(api.get(URL, {"assigned_to": colleague.pk})) == [theirs.pk]
    assert set(_ids(api.get(URL, {"assigned_to": ""}))) == {mine_now.pk, mine_late.pk, theirs.pk}
    assert _ids(api.get(URL, {"open": "false"})) == [mine_done.pk]
    assert len(_ids(api.get(URL, {"open": "", "assigned_to": ""}))) == 4
    assert _ids(api.get(URL, {"party": other.pk})) == [mine_now.pk]
    assert _ids(api.get(URL, {"due_after": (today + dt.timedelta(days=1)).isoformat()})) == [
        mine_late.pk
    ]
    assert _ids(api.get(URL, {"due_before": today.isoformat()})) == [mine_now.pk]


def test_a_done_follow_up_is_found_by_id_whatever_the_list_s_default(api, editor, org):
    follow_up = do_create_follow_up(actor=editor, party=org(), due_on=_today(), subject="X")
    do_complete_follow_up(follow_up, actor=editor)
    assert api.get(f"{URL}{follow_up.pk}/").status_code == 200


def test_completing_through_the_api_logs_the_activity_and_a_second_call_changes_nothing(
    api, editor, org
):
    follow_up = do_create_follow_up(actor=editor, party=org(), due_on=_today(), subject="Anruf")
    url = f"{URL}{follow_up.pk}/complete/"
    body = {"log_activity": True, "activity_kind": "call", "activity_text": "Bestellt 200 Stück"}
    first = api.post(url, body, format="json")
    assert first.status_code == 200, first.content
    activity = Activity.objects.get()
    assert first.json()["activity"] == activity.pk and first.json()["open"] is False
    assert activity.text == "Bestellt 200 Stück" and activity.subject == "Anruf"
    again = api.post(url, body, format="json")
    assert again.status_code == 200 and again.json() == first.json()
    assert Activity.objects.count() == 1


def test_reopening_through_the_api_opens_it_again(api, editor, org):
    follow_up = do_create_follow_up(actor=editor, party=org(), due_on=_today(), subject="X")
    do_complete_follow_up(follow_up, actor=editor)
    response = api.post(f"{URL}{follow_up.pk}/reopen/", {}, format="json")
    assert response.status_code == 200 and response.json()["open"] is True


def test_logging_an_activity_on_completion_needs_the_right_to_log_activities(org, make_user):
    from django.contrib.auth.models import Permission
    from rest_framework.test import APIClient

    user = make_user(None, username="nur-wiedervorlagen")
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="followups", codename__in=["view_followup", "change_followup"]
        )
    )
    follow_up = do_create_follow_up(actor=user, party=org(), due_on=_today(), subject="X")
    client = APIClient()
    client.force_authenticate(user)
    url = f"{URL}{follow_up.pk}/complete/"
    assert client.post(url, {"log_activity": True}, format="json").status_code == 403
    follow_up.refresh_from_db()
    assert follow_up.is_open and not Activity.objects.exists()
    assert client.post(url, {}, format="json").status_code == 200


def test_rules_are_refused_naming_the_field(api, org):
    party = org()
    response = api.post(
        URL, {"party": party.pk, "due_on": "1899-12-31", "subject": " "}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"due_on", "subject"}


def test_the_api_refuses_bad_input_and_bad_queries_and_ids_that_are_not_ids(api, editor, org):
    party = org()
    assert_refuses_bad_input(
        api,
        URL,
        {"party": party.pk, "due_on": _today().isoformat(), "subject": "Rückruf", "note": ""},
        ok=(201,),
    )
    follow_up = do_create_follow_up(actor=editor, party=party, due_on=_today(), subject="X")
    assert_refuses_bad_input(
        api,
        f"{URL}{follow_up.pk}/",
        {"due_on": _today().isoformat(), "subject": "Neu", "note": "", "assigned_to": editor.pk},
        method="patch",
    )
    assert_refuses_bad_input(
        api,
        f"{URL}{follow_up.pk}/complete/",
        {
            "log_activity": False,
            "activity_kind": "call",
            "activity_subject": "",
            "activity_text": "",
        },
    )
    assert_refuses_bad_query(
        api,
        URL,
        {
            "assigned_to": ["du", "-1", "1.5", "²", "99999999999999999999999"],
            "open": ["vielleicht"],
            "due_before": ["gestern", "2026-13-01"],
            "due_after": ["2026-02-30"],
            "party": ["abc", "0"],
        },
    )
    assert_not_ids_are_404(api, lambda bad: f"{URL}{bad}/")
    assert_not_ids_are_404(api, lambda bad: f"{URL}{bad}/complete/", method="post", body={})


def test_the_list_s_query_count_stays_with_more_rows(api, editor, org, make_user):
    party = org()

    def grow() -> None:
        for n in range(4):
            other = make_user("editor", username=f"weitere-{n}")
            created = do_create_follow_up(
                actor=other, party=org(f"Weitere {n} GmbH"), due_on=_today(), subject=f"F {n}"
            )
            do_complete_follow_up(created, actor=other, log_activity=True)

    do_create_follow_up(actor=editor, party=party, due_on=_today(), subject="Erste")
    assert_queries_stay(api, URL, grow, params={"assigned_to": "", "open": ""})
