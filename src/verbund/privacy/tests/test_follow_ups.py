"""Follow-ups filed under a person are that person's data (decision 0063): in the access export
and the letter, scrubbed by the erasure with their history, and planned contact under the
retention rule."""

import datetime as dt
import re
from typing import Any

from django.utils import timezone, translation

from verbund.core.models import AuditRecord
from verbund.followups.actions import (
    do_change_follow_up,
    do_complete_follow_up,
    do_create_follow_up,
    do_delete_follow_up,
)
from verbund.followups.models import FollowUp
from verbund.parties.actions import do_create_party
from verbund.parties.models import Party
from verbund.privacy import rules
from verbund.privacy.actions import do_erase_party, do_export_party, do_retention, erasure_plan
from verbund.privacy.selectors import retention_due
from verbund.privacy.tests.test_erasure import places_of

# Personal data about the person that no needle (name, e-mail, phone) finds.
PRIVATE = "zieht im Sommer nach Lissabon"


def _follow_ups(world: dict[str, Any], user: Any) -> dict[str, FollowUp]:
    """On the person's file: an open one, a done one, and one deleted; on the holding's file
    one that is not about the person."""
    person, holding = world["person"], world["holding"]
    today = timezone.localdate()
    open_one = do_create_follow_up(
        actor=user, party=person, due_on=dt.date(2026, 12, 14), subject="Rückruf Umzug",
        note=f"Sie {PRIVATE}.",
    )  # fmt: skip
    done = do_create_follow_up(actor=user, party=person, due_on=today,
                               subject=f"Angebot, {PRIVATE}")  # fmt: skip
    do_change_follow_up(done, actor=user, note="Angebot geschickt")
    done = do_complete_follow_up(
        done, actor=user, log_activity=True, activity_text=f"Angebot geschickt, {PRIVATE}"
    )
    gone = do_create_follow_up(actor=user, party=person, due_on=today,
                               subject=f"Geburtstag, {PRIVATE}")  # fmt: skip
    do_delete_follow_up(gone, actor=user)
    other = do_create_follow_up(actor=user, party=holding, due_on=today,
                                subject="Jahresgespräch Holding")  # fmt: skip
    return {"open": open_one, "done": done, "other": other}


def test_the_export_lists_the_follow_ups_filed_under_the_person(
    world: dict[str, Any], make_user: Any
) -> None:
    fu = _follow_ups(world, make_user("editor"))
    doc = do_export_party(world["person"], actor=make_user("privacy"))
    by_id = {f["id"]: f for f in doc["follow_ups"]}
    assert set(by_id) == {fu["open"].pk, fu["done"].pk}
    assert by_id[fu["open"].pk] == {
        "id": fu["open"].pk, "party": world["person"].pk, "due_on": "2026-12-14",
        "subject": "Rückruf Umzug", "note": f"Sie {PRIVATE}.", "done": False, "done_at": None,
    }  # fmt: skip
    done = by_id[fu["done"].pk]
    assert done["done"] is True and done["note"] == "Angebot geschickt"
    assert done["done_at"] == fu["done"].done_at.isoformat()


def test_the_letter_lists_them_open_or_done_in_german_and_english(
    world: dict[str, Any], client_for: Any, make_user: Any
) -> None:
    fu = _follow_ups(world, make_user("editor"))
    person, c = world["person"], client_for("privacy")
    done_day = timezone.localtime(fu["done"].done_at).date()
    with translation.override("de"):
        letter = c.get(f"/privacy/parties/{person.pk}/letter/").content.decode()
        page = c.get(f"/privacy/parties/{person.pk}/export/").content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", letter))
    # A section of their own, and among the categories of data Art. 15(1)(b) names.
    assert "<h2>Wiedervorlagen</h2>" in letter and 'data-testid="letter-follow-ups"' in letter
    assert "Wiedervorlagen (wann wir Sie wieder kontaktieren wollen)" in text
    assert f"14.12.2026 · offen: Rückruf Umzug — Sie {PRIVATE}." in text
    assert f"erledigt am {done_day:%d.%m.%Y}: Angebot, {PRIVATE} — Angebot geschickt" in text
    assert "Jahresgespräch Holding" not in text
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert f"14.12.2026 · offen: Rückruf Umzug — Sie {PRIVATE}." in text
    with translation.override("en"):
        letter = c.get(
            f"/privacy/parties/{person.pk}/letter/", HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", letter))
    assert "Follow-ups" in text and "· open: Rückruf Umzug" in text
    assert "done on" in text


def test_the_erasure_scrubs_the_follow_ups_and_their_history(
    world: dict[str, Any], make_user: Any
) -> None:
    fu = _follow_ups(world, make_user("editor"))
    person = world["person"]
    assert places_of([PRIVATE])
    plan = erasure_plan(person)
    assert plan.follow_ups == 2
    do_erase_party(person, actor=make_user("privacy"), reason="Anfrage DS-2026-19")
    assert places_of([PRIVATE, "Rückruf Umzug", "Angebot geschickt"]) == []
    for key in ("open", "done"):
        row = FollowUp.objects.get(pk=fu[key].pk)
        assert (row.party_id, row.subject, row.note) == (person.pk, rules.ERASED_TEXT, "")
    # Due date and state stay, as an activity keeps kind and date.
    assert FollowUp.objects.get(pk=fu["open"].pk).due_on == dt.date(2026, 12, 14)
    assert FollowUp.objects.get(pk=fu["done"].pk).done_at == fu["done"].done_at
    assert FollowUp.objects.get(pk=fu["other"].pk).subject == "Jahresgespräch Holding"
    # The activity logged on completion is the person's: scrubbed as such, still linked.
    activity = FollowUp.objects.select_related("activity").get(pk=fu["done"].pk).activity
    assert activity is not None and activity.subject == rules.ERASED_TEXT
    created = AuditRecord.objects.get(action="followup.create", object_id=str(fu["open"].pk))
    assert created.after["subject"] == rules.ERASED_TEXT and created.after["note"] == ""
    assert created.after["due_on"] == "2026-12-14"
    assert created.object_repr == rules.ERASED_TEXT


def test_the_erasure_page_counts_the_follow_ups_in_singular_and_plural(
    db: Any, client_for: Any, make_user: Any
) -> None:
    person = do_create_party(actor=None, kind="person", first_name="Ina", last_name="Einzeln")
    user, today = make_user("editor"), timezone.localdate()
    c = client_for("privacy")
    with translation.override("de"):
        page = c.get(f"/privacy/parties/{person.pk}/erase/").content.decode()
        assert "Betreff und Notiz von 0 Wiedervorlagen werden ersetzt." in page
        do_create_follow_up(actor=user, party=person, due_on=today, subject="Rückruf")
        page = c.get(f"/privacy/parties/{person.pk}/erase/").content.decode()
        assert "Betreff und Notiz von 1 Wiedervorlage werden ersetzt." in page
        do_create_follow_up(actor=user, party=person, due_on=today, subject="Besuch")
        page = c.get(f"/privacy/parties/{person.pk}/erase/").content.decode()
        assert "Betreff und Notiz von 2 Wiedervorlagen werden ersetzt." in page


def test_retention_reads_the_follow_ups_in_the_same_query_per_rule(
    db: Any, make_user: Any, django_assert_num_queries: Any
) -> None:
    person = do_create_party(actor=None, kind="person", first_name="Ina", last_name="Einzeln")
    do_create_follow_up(
        actor=make_user("editor"), party=person, due_on=timezone.localdate(), subject="Rückruf"
    )
    with django_assert_num_queries(2):  # one per rule
        retention_due()


def _aged(party: Party, years: float) -> None:
    moment = timezone.now() - dt.timedelta(days=365.25 * years)
    Party.objects.filter(pk=party.pk).update(created_at=moment, updated_at=moment)


def test_an_open_follow_up_due_within_the_window_keeps_a_person_a_done_one_by_its_date(
    db: Any, make_user: Any, settings: Any
) -> None:
    settings.VERBUND_PRIVACY_RETENTION = {"archived_contacts": 0}
    user, today = make_user("editor"), timezone.localdate()
    people = {
        key: do_create_party(actor=None, kind="person", first_name="Pia", last_name=key)
        for key in ("planned", "overdue_long", "done_lately", "done_long_ago", "none")
    }
    planned = do_create_follow_up(actor=user, party=people["planned"], due_on=today,
                                  subject="Rückruf")  # fmt: skip
    long_overdue = do_create_follow_up(actor=user, party=people["overdue_long"], due_on=today,
                                       subject="Rückruf")  # fmt: skip
    lately = do_create_follow_up(actor=user, party=people["done_lately"], due_on=today,
                                 subject="Rückruf")  # fmt: skip
    do_complete_follow_up(lately, actor=user)
    old = do_create_follow_up(actor=user, party=people["done_long_ago"], due_on=today,
                              subject="Rückruf")  # fmt: skip
    do_complete_follow_up(old, actor=user)
    # Written by the actions today; moved into the past as time would have done it.
    FollowUp.objects.filter(pk=long_overdue.pk).update(due_on=dt.date(today.year - 12, 1, 5))
    FollowUp.objects.filter(pk=old.pk).update(
        due_on=dt.date(today.year - 12, 1, 5), done_at=timezone.now() - dt.timedelta(days=4400)
    )
    FollowUp.objects.filter(pk=planned.pk).update(due_on=today + dt.timedelta(days=30))
    for p in people.values():
        _aged(p, 11)
    due = do_retention(actor=None).due
    [inactive] = [d.party_ids for d in due if d.rule.key == "inactive_persons"]
    assert inactive == sorted(people[k].pk for k in ("overdue_long", "done_long_ago", "none"))


def test_an_open_follow_up_due_just_inside_the_window_counts_one_just_outside_not(
    db: Any, make_user: Any, settings: Any
) -> None:
    settings.VERBUND_PRIVACY_RETENTION = {"archived_contacts": 0}
    user, today = make_user("editor"), timezone.localdate()
    inside = do_create_party(actor=None, kind="person", first_name="In", last_name="Nerhalb")
    outside = do_create_party(actor=None, kind="person", first_name="Au", last_name="Sserhalb")
    cutoff = rules.retention_cutoff(today, 10)
    for party, day in ((inside, cutoff), (outside, cutoff - dt.timedelta(days=1))):
        f = do_create_follow_up(actor=user, party=party, due_on=today, subject="Rückruf")
        FollowUp.objects.filter(pk=f.pk).update(due_on=day)
        _aged(party, 11)
    [inactive] = [d.party_ids for d in do_retention(actor=None).due
                  if d.rule.key == "inactive_persons"]  # fmt: skip
    assert inactive == [outside.pk]
