"""Activities: logged, corrected and listed on the customer file; viewers only read."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from verbund.activities.actions import do_create_activity, do_update_activity
from verbund.activities.models import Activity
from verbund.core.models import AuditRecord

pytestmark = pytest.mark.django_db


def test_it_logs_an_activity_with_an_audit_record_in_the_party_history(org, make_user):
    party = org()
    user = make_user("editor")
    activity = do_create_activity(
        actor=user, party=party, kind="call", subject="Rückruf", text="Angebot"
    )
    assert activity.user == user and activity.happened_at <= timezone.now()
    record = AuditRecord.objects.get(action="activity.create")
    assert record.party_id == party.pk and record.after["subject"] == "Rückruf"


def test_it_refuses_an_activity_without_subject_or_with_an_unknown_kind(org):
    party = org()
    with pytest.raises(ValidationError) as exc:
        do_create_activity(actor=None, party=party, subject="  ", kind="fax")
    assert set(exc.value.message_dict) == {"subject", "kind"}
    assert not Activity.objects.exists()


def test_it_corrects_an_activity_and_audits_only_real_changes(org):
    activity = do_create_activity(actor=None, party=org(), subject="Besuch")
    do_update_activity(activity, actor=None, subject="Besuch")
    assert not AuditRecord.objects.filter(action="activity.update").exists()
    do_update_activity(
        activity, actor=None, subject="Besuch vor Ort", happened_at="2026-01-05T10:00"
    )
    activity.refresh_from_db()
    assert activity.subject == "Besuch vor Ort" and activity.happened_at.date() == dt.date(
        2026, 1, 5
    )
    assert AuditRecord.objects.get(action="activity.update").before["subject"] == "Besuch"


def test_the_timeline_lists_newest_first_and_accepts_new_entries(client, org, make_user):
    party = org()
    do_create_activity(
        actor=None, party=party, subject="Alt", happened_at=timezone.now() - dt.timedelta(days=3)
    )
    do_create_activity(actor=None, party=party, subject="Neu")
    client.force_login(make_user("editor"))
    assert (
        'data-testid="sections-activities"'
        in client.get(reverse("party-detail", args=[party.pk])).content.decode()
    )
    body = client.get(reverse("party-sections", args=[party.pk, "activities"])).content.decode()
    assert body.index(">Neu<") < body.index(">Alt<")
    response = client.post(
        reverse("activity-create", args=[party.pk]),
        {"kind": "visit", "happened_at": "2026-11-20T09:30", "subject": "Jahresgespräch"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and "Jahresgespräch" in response.content.decode()
    assert Activity.objects.filter(party=party, kind="visit").exists()


def test_the_timeline_shows_errors_inline(client, org, make_user):
    party = org()
    client.force_login(make_user("editor"))
    response = client.post(
        reverse("activity-create", args=[party.pk]),
        {"kind": "call", "happened_at": "2026-11-20T09:30", "subject": ""},
        HTTP_HX_REQUEST="true",
    )
    assert 'class="errorlist' in response.content.decode()
    assert not Activity.objects.exists()


def test_an_editor_edits_and_a_viewer_may_not(client, org, make_user):
    activity = do_create_activity(actor=None, party=org(), subject="Notiz")
    client.force_login(make_user("viewer"))
    assert client.get(reverse("activity-edit", args=[activity.pk])).status_code == 403
    assert (
        client.post(
            reverse("activity-edit", args=[activity.pk]),
            {"kind": "note", "happened_at": "2026-11-20T09:30", "subject": "X"},
        ).status_code
        == 403
    )
    client.force_login(make_user("editor"))
    assert (
        client.get(reverse("activity-edit", args=[activity.pk]), HTTP_HX_REQUEST="true").status_code
        == 200
    )
    response = client.post(
        reverse("activity-edit", args=[activity.pk]),
        {"kind": "note", "happened_at": "2026-11-20T09:30", "subject": "Notiz neu"},
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.subject == "Notiz neu"


def test_activities_follow_a_merged_party_and_come_back_on_undo(org):
    from verbund.activities import merge

    source, survivor = org("A GmbH"), org("B GmbH")
    activity = do_create_activity(actor=None, party=source, subject="Anruf")
    moved = merge.reassign(source, survivor, actor=None)
    activity.refresh_from_db()
    assert activity.party == survivor
    merge.unassign(moved, source, survivor, actor=None)
    activity.refresh_from_db()
    assert activity.party == source


def test_it_refuses_a_date_before_1900(org):
    with pytest.raises(ValidationError) as exc:
        do_create_activity(actor=None, party=org(), subject="x", happened_at="0166-04-12T11:46:07")
    assert list(exc.value.message_dict) == ["happened_at"]
    assert not Activity.objects.exists()
