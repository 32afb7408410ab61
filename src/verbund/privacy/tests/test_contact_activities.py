"""Activities of an organisation that name a person as the contact person are about that
person (decision 0058): in the access export and the letter, scrubbed by the erasure, and
activity under the retention rule."""

import datetime as dt
import json
import re
from typing import Any

from django.utils import timezone, translation

from verbund.activities.actions import do_create_activity, do_delete_activity, do_update_activity
from verbund.activities.models import Activity
from verbund.core.models import AuditRecord
from verbund.core.testing import run_cli
from verbund.parties.actions import do_create_party
from verbund.parties.models import Party
from verbund.privacy import rules
from verbund.privacy.actions import do_erase_party, do_export_party, do_retention, erasure_plan
from verbund.privacy.models import Article
from verbund.privacy.tests.test_erasure import places_of

# Personal data about the person that no needle (name, e-mail, phone) finds.
PRIVATE = "in Elternzeit bis Juni"


def _named(world: dict[str, Any]) -> dict[str, Activity]:
    """On the holding's file: a call naming the person, a note naming nobody, a visit that
    named the person before it was corrected to another contact, and a deleted call that
    named them."""
    holding, person = world["holding"], world["person"]
    other = do_create_party(
        actor=None, kind="person", first_name="Otto", last_name="Ohnesorg", organisation=holding
    )
    call = do_create_activity(
        actor=None, party=holding, contact=person, kind="call", subject="Rückruf Rahmenvertrag",
        text=f"Sie ist {PRIVATE}.", happened_at=dt.datetime(2026, 5, 4, 10, 0),
    )  # fmt: skip
    note = do_create_activity(actor=None, party=holding, subject="Jahresgespräch geplant")
    visit = do_create_activity(actor=None, party=holding, contact=person, kind="visit",
                               subject=f"Besuch, {PRIVATE}")  # fmt: skip
    do_update_activity(visit, actor=None, contact=other, subject="Besuch bei Herrn Ohnesorg")
    gone = do_create_activity(actor=None, party=holding, contact=person,
                              subject=f"Krankmeldung, {PRIVATE}")  # fmt: skip
    do_delete_activity(gone, actor=None)
    return {"call": call, "note": note, "visit": visit, "other": other}


def test_the_export_lists_the_activities_naming_the_person_at_their_organisation(
    world: dict[str, Any], make_user: Any
) -> None:
    acts = _named(world)
    holding, person = world["holding"], world["person"]
    doc = do_export_party(person, actor=make_user("privacy"))
    by_id = {a["id"]: a for a in doc["activities"]}
    assert by_id[acts["call"].pk]["at"] == {
        "id": holding.pk, "number": holding.number, "name": "Quadro Holding AG"
    }  # fmt: skip
    assert by_id[acts["call"].pk]["subject"] == "Rückruf Rahmenvertrag"
    assert PRIVATE in by_id[acts["call"].pk]["text"]
    # The person's own activity is marked as theirs; the holding's others are not theirs.
    own = [a for a in doc["activities"] if a["party"] == person.pk]
    assert len(own) == 1 and own[0]["at"] is None
    assert acts["note"].pk not in by_id and acts["visit"].pk not in by_id
    assert len(doc["activities"]) == 2


def test_the_page_and_the_letter_mark_them_at_the_organisation_in_german_and_english(
    world: dict[str, Any], client_for: Any
) -> None:
    _named(world)
    person, holding = world["person"], world["holding"]
    c = client_for("privacy")
    with translation.override("de"):
        page = c.get(f"/privacy/parties/{person.pk}/export/").content.decode()
        letter = c.get(f"/privacy/parties/{person.pk}/letter/").content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert f"04.05.2026 · bei Quadro Holding AG ({holding.number}) : Rückruf Rahmenvertrag" in text
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", letter))
    assert "04.05.2026 · Anruf bei Quadro Holding AG : Rückruf Rahmenvertrag" in text
    assert PRIVATE in text
    with translation.override("en"):
        letter = c.get(
            f"/privacy/parties/{person.pk}/letter/", HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", letter))
    assert "Call at Quadro Holding AG : Rückruf Rahmenvertrag" in text


def test_the_erasure_scrubs_the_organisations_activities_naming_the_person_as_their_own(
    world: dict[str, Any], make_user: Any
) -> None:
    records_before = erasure_plan(world["person"]).audit_records
    acts = _named(world)
    holding, person = world["holding"], world["person"]
    assert places_of([PRIVATE])  # in the call, the deleted call's record, the visit's first
    plan = erasure_plan(person)
    assert (plan.activities, plan.contact_activities) == (2, 1)
    # The history records counted are those the erasure scrubs: beside the person's, the
    # holding's five of the call, the corrected visit and the deleted call.
    named = AuditRecord.objects.filter(object_type="activities.activity", party_id=holding.pk)
    assert named.count() == 6  # and the note naming nobody
    assert plan.audit_records == records_before + 5
    officer = make_user("privacy")
    do_erase_party(person, actor=officer, reason="Anfrage DS-2026-18")
    assert places_of([PRIVATE, "Rahmenvertrag"]) == []
    call = Activity.objects.select_related("contact").get(pk=acts["call"].pk)
    # The organisation keeps its record: kind, date, the file; the contact is the
    # anonymised person, as the person's own activities and relationships point at them.
    assert (call.party_id, call.kind, call.subject, call.text) == (
        holding.pk, "call", rules.ERASED_TEXT, ""
    )  # fmt: skip
    assert call.contact_id == person.pk
    assert call.contact is not None
    assert call.contact.display_name == f"gelöschte Person #{person.number}"
    # Activities that do not name the person now keep their text.
    assert Activity.objects.get(pk=acts["note"].pk).subject == "Jahresgespräch geplant"
    assert Activity.objects.get(pk=acts["visit"].pk).subject == "Besuch bei Herrn Ohnesorg"
    # The organisation's history says why, by whom, under which article; no personal data.
    rec = AuditRecord.objects.get(
        action="activity.update", party_id=holding.pk, object_id=str(call.pk), actor=officer
    )
    assert rec.after == {"subject": rules.ERASED_TEXT, "text": ""} and rec.before is None
    assert rec.note == str(Article.ERASURE.label)
    assert rec.object_repr == f"Anruf: {rules.ERASED_TEXT}"
    created = AuditRecord.objects.get(action="activity.create", object_id=str(call.pk))
    assert (
        created.after["subject"] == rules.ERASED_TEXT and created.after["contact_id"] == person.pk
    )
    assert created.object_repr == rules.ERASED_TEXT


def test_erasing_another_contact_leaves_the_activities_naming_the_first_alone(
    world: dict[str, Any],
) -> None:
    """The rule runs from the person: erasing someone else leaves the call naming them."""
    acts = _named(world)
    do_erase_party(acts["other"], actor=None, reason="Anfrage")
    assert Activity.objects.get(pk=acts["call"].pk).subject == "Rückruf Rahmenvertrag"
    assert Activity.objects.get(pk=acts["visit"].pk).subject == rules.ERASED_TEXT


def _aged(party: Party, years: float) -> None:
    moment = timezone.now() - dt.timedelta(days=365.25 * years)
    Party.objects.filter(pk=party.pk).update(created_at=moment, updated_at=moment)


def test_a_person_named_in_a_recent_activity_is_not_inactive(
    db: Any, capsys: Any, settings: Any, keep_test_connection: None
) -> None:
    settings.VERBUND_PRIVACY_RETENTION = {"archived_contacts": 0}
    org = do_create_party(actor=None, name="Nordlicht GmbH")
    spoken = do_create_party(
        actor=None, kind="person", first_name="Greta", last_name="Gesprochen", organisation=org
    )
    long_ago = do_create_party(
        actor=None, kind="person", first_name="Lars", last_name="Langher", organisation=org
    )
    do_create_activity(actor=None, party=org, contact=spoken, subject="Besuch",
                       happened_at=timezone.now() - dt.timedelta(days=30))  # fmt: skip
    do_create_activity(actor=None, party=org, contact=long_ago, subject="Besuch",
                       happened_at=timezone.now() - dt.timedelta(days=365 * 12))  # fmt: skip
    for p in (org, spoken, long_ago):
        _aged(p, 11)
    # The dry run (the retention page shows it), the command, and the application agree.
    due = do_retention(actor=None).due
    assert [d.party_ids for d in due if d.rule.key == "inactive_persons"] == [[long_ago.pk]]
    code, out, err = run_cli(capsys, "privacy", "retention", "--json")
    assert code == 0, err
    assert json.loads(out)["rules"] == [
        {"rule": "inactive_persons", "years": 10, "cutoff": due[0].cutoff.isoformat(), "due": 1,
         "party_ids": [long_ago.pk]}
    ]  # fmt: skip
    assert do_retention(actor=None, apply=True).erased == [long_ago.pk]
    assert Party.objects.get(pk=spoken.pk).last_name == "Gesprochen"
    assert Party.objects.get(pk=long_ago.pk).last_name == ""


def test_the_erasure_page_says_how_many_activities_are_at_organisations(
    world: dict[str, Any], client_for: Any
) -> None:
    _named(world)
    person = world["person"]
    with translation.override("de"):
        page = client_for("privacy").get(f"/privacy/parties/{person.pk}/erase/").content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "Der Freitext von 2 Aktivitäten wird ersetzt." in text
    assert "Davon bei Organisationen, mit der Person als Ansprechpartner: 1." in text
