"""Deleting an activity: one action (atomic, audited with what it said), a confirm page for
who may delete, the API's DELETE with the same permission, and the file's history says so."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from rest_framework.test import APIClient

from verbund.activities.actions import do_create_activity, do_delete_activity
from verbund.activities.models import Activity
from verbund.core.models import AuditRecord

pytestmark = pytest.mark.django_db


def test_deleting_keeps_what_the_activity_said_in_an_audit_record(org, person, make_user):
    party = org("Kunde AG")
    contact = person("Hanna", "Händler", organisation=party)
    activity = do_create_activity(
        actor=None, party=party, kind="visit", subject="Jahresgespräch", text="Preise",
        contact=contact,
    )  # fmt: skip
    user = make_user("editor")
    do_delete_activity(activity, actor=user)
    assert not Activity.objects.exists()
    record = AuditRecord.objects.get(action="activity.delete")
    assert record.party_id == party.pk and record.actor == user and record.after is None
    assert record.object_id == str(activity.pk)
    assert record.before["subject"] == "Jahresgespräch" and record.before["text"] == "Preise"
    assert record.before["kind"] == "visit" and record.before["contact_id"] == contact.pk


def test_deleting_what_an_overlapping_request_deleted_already_is_no_error(org):
    # Both requests found the activity; the second reaches the action after the first.
    activity = do_create_activity(actor=None, party=org("Kunde AG"), subject="Anruf")
    assert do_delete_activity(activity, actor=None) is True
    assert do_delete_activity(activity, actor=None) is False
    assert AuditRecord.objects.filter(action="activity.delete").count() == 1


def test_a_person_named_on_a_deleted_activity_stays(org, person):
    party = org("Kunde AG")
    contact = person("Hanna", "Händler", organisation=party)
    do_delete_activity(
        do_create_activity(actor=None, party=party, subject="x", contact=contact), actor=None
    )
    contact.refresh_from_db()
    assert contact.organisation_id == party.pk


def test_the_file_history_says_in_german_what_was_deleted(client, org, make_user):
    party = org("Kunde AG")
    do_delete_activity(do_create_activity(actor=None, party=party, subject="Rückruf"), actor=None)
    client.force_login(make_user("editor"))
    html = client.get(reverse("party-detail", args=[party.pk])).content.decode()
    assert "gelöscht: Rückruf" in html


def test_an_editor_confirms_and_deletes_and_returns_to_the_file(client, org, make_user):
    party = org("Kunde AG")
    activity = do_create_activity(actor=None, party=party, subject="Rückruf")
    client.force_login(make_user("editor"))
    edit = client.get(reverse("activity-edit", args=[activity.pk])).content.decode()
    url = reverse("activity-delete", args=[activity.pk])
    assert f'href="{url}"' in edit
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Rückruf" in confirm.content.decode()
    assert "csrfmiddlewaretoken" in confirm.content.decode()
    assert Activity.objects.filter(pk=activity.pk).exists()  # a GET deletes nothing
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("party-detail", args=[party.pk])
    assert "Aktivität „Rückruf“ gelöscht." in response.content.decode()
    assert not Activity.objects.filter(pk=activity.pk).exists()
    assert client.post(url).status_code == 404


def test_a_viewer_sees_no_delete_button_and_may_not_delete(client, org, make_user):
    activity = do_create_activity(actor=None, party=org(), subject="Notiz")
    url = reverse("activity-delete", args=[activity.pk])
    client.force_login(make_user("viewer"))
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_who_may_change_but_not_delete_sees_no_delete_button_and_the_api_refuses(
    client, org, make_user
):
    activity = do_create_activity(actor=None, party=org(), subject="Notiz")
    user = make_user(None, username="change-only")
    for codename in ("view_activity", "change_activity"):
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label="activities", codename=codename)
        )
    user.user_permissions.add(Permission.objects.get(codename="view_party"))
    client.force_login(user)
    page = client.get(reverse("activity-edit", args=[activity.pk])).content.decode()
    assert reverse("activity-delete", args=[activity.pk]) not in page
    assert client.post(reverse("activity-delete", args=[activity.pk])).status_code == 403
    # The API twin asks the same: changing is no right to delete.
    api = APIClient()
    api.force_authenticate(user)
    assert api.delete(f"/api/v1/activities/{activity.pk}/").status_code == 403
    assert (
        api.patch(
            f"/api/v1/activities/{activity.pk}/", {"subject": "Neu"}, format="json"
        ).status_code
        == 200
    )
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_the_api_deletes_with_the_same_permission_and_audit(api_for, org):
    party = org("Kunde AG")
    activity = do_create_activity(actor=None, party=party, subject="Rückruf")
    url = f"/api/v1/activities/{activity.pk}/"
    editor = api_for("editor")
    assert api_for("viewer").delete(url).status_code == 403
    assert editor.delete(url).status_code == 204
    assert not Activity.objects.exists()
    assert AuditRecord.objects.get(action="activity.delete").before["subject"] == "Rückruf"
    assert editor.delete(url).status_code == 404


def test_the_schema_documents_the_delete(admin_api):
    from verbund.core.tests.openapi import api_schema

    schema = api_schema()
    operation = schema["paths"]["/api/v1/activities/{id}/"]["delete"]
    assert "204" in operation["responses"]
    params = {p["name"] for p in schema["paths"]["/api/v1/activities/"]["get"]["parameters"]}
    assert "contact" in params
    body = schema["components"]["schemas"]["ActivityRequest"]["properties"]
    assert body["contact"]["nullable"] is True
