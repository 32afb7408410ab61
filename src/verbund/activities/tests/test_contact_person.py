"""An activity on an organisation's file names a contact person: one of its contacts today
(filed under it or linked as "Ansprechpartner"), chosen in the form and the API, refused with
one message otherwise, shown in the timeline, filtered in the API and moved by merges."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from verbund.activities.actions import do_create_activity, do_update_activity
from verbund.activities.forms import ActivityForm
from verbund.activities.models import Activity
from verbund.core.models import AuditRecord
from verbund.parties.actions import do_update_party
from verbund.quality.actions import do_merge, do_undo_merge
from verbund.relationships.actions import do_create_relationship

pytestmark = pytest.mark.django_db

NOT_A_CONTACT = "Diese Person ist kein Ansprechpartner von Kunde AG."


@pytest.fixture
def kunde(org, person):
    company = org("Kunde AG")
    return {
        "org": company,
        "filed": person("Hanna", "Händler", organisation=company, position="Einkauf"),
        "linked": person("Lars", "Link"),
        "stranger": person("Fritz", "Fremd"),
    }


@pytest.fixture
def linked(kunde):
    do_create_relationship(
        actor=None, type="contact", from_party=kunde["linked"], to_party=kunde["org"]
    )
    return kunde


def test_an_activity_names_a_person_filed_under_the_organisation(kunde):
    activity = do_create_activity(
        actor=None, party=kunde["org"], subject="Rückruf", contact=kunde["filed"]
    )
    assert activity.contact == kunde["filed"]
    record = AuditRecord.objects.get(action="activity.create")
    assert record.after["contact_id"] == kunde["filed"].pk


def test_a_person_linked_as_contact_may_be_named_and_a_stranger_may_not(linked):
    do_create_activity(actor=None, party=linked["org"], subject="Anruf", contact=linked["linked"])
    with pytest.raises(ValidationError) as exc:
        do_create_activity(
            actor=None, party=linked["org"], subject="Anruf", contact=linked["stranger"]
        )
    assert exc.value.message_dict == {"contact": [NOT_A_CONTACT]}
    assert Activity.objects.count() == 1


def test_a_link_that_ended_no_longer_makes_a_contact(kunde):
    do_create_relationship(
        actor=None, type="contact", from_party=kunde["linked"], to_party=kunde["org"],
        valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2021, 1, 1),
    )  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        do_create_activity(actor=None, party=kunde["org"], subject="x", contact=kunde["linked"])
    assert "contact" in exc.value.message_dict


def test_an_activity_on_a_persons_own_file_names_nobody(kunde):
    activity = do_create_activity(actor=None, party=kunde["filed"], subject="Notiz")
    assert activity.contact is None
    with pytest.raises(ValidationError) as exc:
        do_create_activity(actor=None, party=kunde["filed"], subject="x", contact=kunde["linked"])
    assert "contact" in exc.value.message_dict


def test_a_correction_keeps_a_contact_who_left_and_refuses_a_new_stranger(kunde, org):
    activity = do_create_activity(
        actor=None, party=kunde["org"], subject="Besuch", contact=kunde["filed"]
    )
    # She moves to another company: the past visit still names her.
    do_update_party(kunde["filed"], actor=None, organisation=org("Anders GmbH"))
    do_update_activity(activity, actor=None, subject="Besuch vor Ort")
    activity.refresh_from_db()
    assert activity.contact_id == kunde["filed"].pk and activity.subject == "Besuch vor Ort"
    with pytest.raises(ValidationError) as exc:
        do_update_activity(activity, actor=None, contact=kunde["stranger"])
    assert exc.value.message_dict == {"contact": [NOT_A_CONTACT]}
    do_update_activity(activity, actor=None, contact=None)
    activity.refresh_from_db()
    assert activity.contact is None
    assert AuditRecord.objects.filter(action="activity.update").count() == 2


def test_the_form_offers_the_organisations_contacts_today_by_name(linked):
    form = ActivityForm(party=linked["org"])
    choices = form.contact_options["choices"]
    assert choices == [
        ("", "— niemand genannt —"),
        (linked["filed"].pk, "Hanna Händler · Einkauf"),
        (linked["linked"].pk, "Lars Link"),
    ]
    html = str(form["contact"])
    assert "Fritz Fremd" not in html and "Ansprechpartner" in form["contact"].label


def test_the_form_on_a_persons_file_has_no_contact_field(kunde):
    assert "contact" not in ActivityForm(party=kunde["filed"]).fields


def test_the_form_refuses_a_stranger_with_the_apis_message(client, kunde, make_user):
    client.force_login(make_user("editor"))
    url = reverse("activity-create", args=[kunde["org"].pk])
    body = {"kind": "call", "happened_at": "2026-11-20T09:30", "subject": "Anruf"}
    response = client.post(url, {**body, "contact": kunde["stranger"].pk})
    assert response.status_code == 400
    assert NOT_A_CONTACT in response.content.decode()
    for bad in ("abc", "0", "99999999999999999999", "²"):
        response = client.post(url, {**body, "contact": bad})
        assert response.status_code == 400, bad
    response = client.post(url, {**body, "contact": "987654"})
    assert response.status_code == 400 and NOT_A_CONTACT in response.content.decode()
    assert not Activity.objects.exists()
    response = client.post(url, {**body, "contact": kunde["filed"].pk})
    assert response.status_code == 302
    assert Activity.objects.get().contact == kunde["filed"]


def test_the_timeline_and_the_edit_page_show_the_contact_person(client, kunde, make_user):
    activity = do_create_activity(
        actor=None, party=kunde["org"], subject="Anruf", contact=kunde["filed"]
    )
    client.force_login(make_user("editor"))
    body = client.get(reverse("party-sections", args=[kunde["org"].pk, "activities"]))
    html = body.content.decode()
    assert 'data-testid="activity-contact-name"' in html and "mit <a href" in html
    assert reverse("party-detail", args=[kunde["filed"].pk]) in html
    page = client.get(reverse("activity-edit", args=[activity.pk])).content.decode()
    assert f'<option value="{kunde["filed"].pk}" selected>' in page


def test_the_edit_form_keeps_a_named_contact_who_is_no_longer_one(client, kunde, org, make_user):
    activity = do_create_activity(
        actor=None, party=kunde["org"], subject="Anruf", contact=kunde["filed"]
    )
    do_update_party(kunde["filed"], actor=None, organisation=org("Anders GmbH"))
    client.force_login(make_user("editor"))
    page = client.get(reverse("activity-edit", args=[activity.pk])).content.decode()
    assert f'<option value="{kunde["filed"].pk}" selected>Hanna Händler</option>' in page
    response = client.post(
        reverse("activity-edit", args=[activity.pk]),
        {"kind": "call", "happened_at": "2026-11-20T09:30", "subject": "Anruf erledigt",
         "contact": kunde["filed"].pk},
    )  # fmt: skip
    assert response.status_code == 302


def test_the_api_names_refuses_and_filters_by_contact(api_for, linked):
    client = api_for("editor")
    org = linked["org"]
    res = client.post(
        "/api/v1/activities/",
        {"party": org.pk, "subject": "Anruf", "contact": linked["stranger"].pk},
        format="json",
    )
    assert res.status_code == 400 and res.json() == {"contact": [NOT_A_CONTACT]}
    res = client.post(
        "/api/v1/activities/",
        {"party": org.pk, "subject": "Anruf", "contact": linked["linked"].pk},
        format="json",
    )
    assert res.status_code == 201, res.content
    assert res.json()["contact"] == linked["linked"].pk
    assert res.json()["contact_name"] == "Lars Link"
    do_create_activity(actor=None, party=org, subject="Ohne")
    rows = client.get(f"/api/v1/activities/?contact={linked['linked'].pk}").json()["results"]
    assert [r["subject"] for r in rows] == ["Anruf"]
    assert client.get("/api/v1/activities/?contact=abc").status_code == 400
    pk = res.json()["id"]
    res = client.patch(
        f"/api/v1/activities/{pk}/", {"contact": linked["stranger"].pk}, format="json"
    )
    assert res.status_code == 400 and res.json() == {"contact": [NOT_A_CONTACT]}
    res = client.patch(f"/api/v1/activities/{pk}/", {"contact": None}, format="json")
    assert res.status_code == 200 and res.json()["contact"] is None


def test_a_merged_contact_person_follows_to_the_survivor_and_back_on_undo(kunde, person):
    company = kunde["org"]
    twin = person("Hanna", "Händler", organisation=company)
    named = do_create_activity(actor=None, party=company, subject="Besuch", contact=twin)
    own = do_create_activity(actor=None, party=twin, subject="Eigene Notiz")
    record = do_merge(twin, kunde["filed"], actor=None)
    named.refresh_from_db()
    own.refresh_from_db()
    assert named.contact_id == kunde["filed"].pk and named.party_id == company.pk
    assert own.party_id == kunde["filed"].pk
    do_undo_merge(record, actor=None)
    named.refresh_from_db()
    own.refresh_from_db()
    assert named.contact_id == twin.pk and own.party_id == twin.pk


def test_the_merge_plan_lists_activities_naming_the_merged_person(kunde, person):
    from verbund.activities import merge

    twin = person("Hanna", "Händler", organisation=kunde["org"])
    do_create_activity(actor=None, party=kunde["org"], subject="Besuch", contact=twin)
    moved = merge.reassign(twin, kunde["filed"], actor=None)
    [item] = merge.describe(moved)
    assert "Besuch" in item["text"] and "Kunde AG" in item["why"]
    merge.unassign({"activities.activity": []}, twin, kunde["filed"], actor=None)
    assert Activity.objects.get().contact == kunde["filed"]  # an older record moves nothing


def test_the_persons_file_lists_the_activities_naming_them(client, kunde, make_user):
    named = do_create_activity(
        actor=None, party=kunde["org"], subject="Besuch bei Kunde", contact=kunde["filed"]
    )
    do_create_activity(actor=None, party=kunde["org"], subject="Ohne Namen")
    do_create_activity(actor=None, party=kunde["filed"], subject="Eigene Notiz")
    client.force_login(make_user("editor"))
    url = reverse("party-sections", args=[kunde["filed"].pk, "activities"])
    html = client.get(url).content.decode()
    assert "Besuch bei Kunde" in html and "Eigene Notiz" in html and "Ohne Namen" not in html
    assert 'data-testid="activity-filed-under">bei <a href' in html
    # Corrected on its own page: the inline editor would answer with the other file's timeline.
    assert f'<a href="{reverse("activity-edit", args=[named.pk])}">' in html
    other = client.get(reverse("party-sections", args=[kunde["stranger"].pk, "activities"]))
    assert "Besuch bei Kunde" not in other.content.decode()


def test_the_group_timeline_names_the_contact_person(client, api_for, kunde, make_user):
    do_create_activity(actor=None, party=kunde["org"], subject="Besuch", contact=kunde["filed"])
    client.force_login(make_user("viewer"))
    url = reverse("group-activities", args=[kunde["org"].pk])
    html = client.get(url, {"type": "group"}).content.decode()
    assert "mit <a href" in html and "Hanna Händler" in html
    url = f"/api/v1/parties/{kunde['org'].pk}/group/activities/?type=group"
    [row] = api_for("viewer").get(url).json()["results"]
    assert row["contact"] == kunde["filed"].pk and row["contact_name"] == "Hanna Händler"
