"""Follow-ups: created, changed, completed (logging an activity), reopened and deleted through
the actions, each with its audit record; refusals name the field and leave nothing behind."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from verbund.activities.models import Activity
from verbund.core.models import AuditRecord
from verbund.followups.actions import (
    do_change_follow_up,
    do_complete_follow_up,
    do_create_follow_up,
    do_delete_follow_up,
    do_reopen_follow_up,
)
from verbund.followups.models import FollowUp

pytestmark = pytest.mark.django_db


def _today() -> dt.date:
    return timezone.localdate()


def test_a_follow_up_is_assigned_to_its_creator_and_recorded_in_the_party_history(org, make_user):
    party = org("Müller GmbH")
    user = make_user("editor")
    follow_up = do_create_follow_up(
        actor=user, party=party, due_on=_today(), subject="Zurückrufen", note="Angebot"
    )
    assert follow_up.assigned_to == user and follow_up.created_by == user
    assert follow_up.is_open
    record = AuditRecord.objects.get(action="followup.create")
    assert record.party_id == party.pk and record.after["subject"] == "Zurückrufen"


def test_a_follow_up_may_be_assigned_to_another_user_by_id(org, make_user):
    other = make_user("editor", username="kollegin")
    follow_up = do_create_follow_up(
        actor=make_user("editor"),
        party=org(),
        due_on=_today(),
        subject="Besuch",
        assigned_to=other.pk,
    )
    assert follow_up.assigned_to == other


def test_it_refuses_a_follow_up_without_subject_date_or_assignee_naming_each_field(org):
    with pytest.raises(ValidationError) as exc:
        do_create_follow_up(actor=None, party=org(), due_on=None, subject="  ")
    assert set(exc.value.message_dict) == {"subject", "due_on", "assigned_to"}
    assert (
        not FollowUp.objects.exists()
        and not AuditRecord.objects.filter(action="followup.create").exists()
    )


@pytest.mark.parametrize(
    "due_on", [dt.date(1899, 12, 31), dt.date(1926, 12, 14), "2099-01-01", "1800-05-05"]
)
def test_a_due_date_before_1900_long_past_or_far_ahead_is_refused(org, make_user, due_on):
    with pytest.raises(ValidationError) as exc:
        do_create_follow_up(
            actor=make_user("editor"), party=org(), due_on=due_on, subject="Tippfehler"
        )
    assert set(exc.value.message_dict) == {"due_on"}


def test_a_due_date_that_is_no_date_is_refused_naming_the_field(org, make_user):
    with pytest.raises(ValidationError) as exc:
        do_create_follow_up(actor=make_user("editor"), party=org(), due_on="14.13.", subject="X")
    assert set(exc.value.message_dict) == {"due_on"}


def test_a_deactivated_user_cannot_be_assigned(org, make_user):
    gone = make_user("editor", username="ehemalig", is_active=False)
    with pytest.raises(ValidationError) as exc:
        do_create_follow_up(
            actor=make_user("editor"), party=org(), due_on=_today(), subject="X", assigned_to=gone
        )
    assert set(exc.value.message_dict) == {"assigned_to"}


def test_a_follow_up_on_a_merged_party_is_refused(org, make_user):
    from verbund.quality.actions import do_merge

    source, survivor = org("Doppelt GmbH"), org("Doppelt GmbH ")
    do_merge(source, survivor, actor=None)
    source.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        do_create_follow_up(actor=make_user("editor"), party=source, due_on=_today(), subject="X")
    assert set(exc.value.message_dict) == {"party"}


def test_rescheduling_and_reassigning_are_audited_and_an_unchanged_edit_is_not(org, make_user):
    user, other = make_user("editor"), make_user("editor", username="vertretung")
    follow_up = do_create_follow_up(actor=user, party=org(), due_on=_today(), subject="Anruf")
    do_change_follow_up(follow_up, actor=user, subject="Anruf", due_on=_today())
    assert not AuditRecord.objects.filter(action="followup.update").exists()
    later = _today() + dt.timedelta(days=7)
    do_change_follow_up(follow_up, actor=user, due_on=later.isoformat(), assigned_to=other)
    follow_up.refresh_from_db()
    assert follow_up.due_on == later and follow_up.assigned_to == other
    record = AuditRecord.objects.get(action="followup.update")
    assert record.before["assigned_to_id"] == user.pk and record.after["assigned_to_id"] == other.pk


def test_a_long_overdue_follow_up_can_be_reworded_without_moving_its_date(org, make_user):
    user = make_user("editor")
    follow_up = do_create_follow_up(actor=user, party=org(), due_on=_today(), subject="Alt")
    long_ago = _today() - dt.timedelta(days=800)
    FollowUp.objects.filter(pk=follow_up.pk).update(due_on=long_ago)
    do_change_follow_up(follow_up, actor=user, subject="Alt, aber wahr")
    follow_up.refresh_from_db()
    assert follow_up.subject == "Alt, aber wahr" and follow_up.due_on == long_ago
    with pytest.raises(ValidationError) as exc:
        do_change_follow_up(follow_up, actor=user, due_on=long_ago - dt.timedelta(days=1))
    assert set(exc.value.message_dict) == {"due_on"}


def test_changing_an_unknown_field_is_refused_naming_it(org, make_user):
    follow_up = do_create_follow_up(
        actor=make_user("editor"), party=org(), due_on=_today(), subject="X"
    )
    with pytest.raises(ValidationError) as exc:
        do_change_follow_up(follow_up, actor=None, party=org("Andere GmbH"))
    assert set(exc.value.message_dict) == {"party"}


def test_completing_logs_the_activity_on_the_file_and_links_it(org, make_user):
    user = make_user("editor")
    party = org("Müller GmbH")
    follow_up = do_create_follow_up(actor=user, party=party, due_on=_today(), subject="Rückruf")
    done = do_complete_follow_up(
        follow_up, actor=user, log_activity=True, activity_kind="call", activity_text="Bestellt"
    )
    activity = Activity.objects.get()
    assert done.done_at is not None and done.done_by == user and done.activity == activity
    assert activity.party == party and activity.kind == "call"
    assert activity.subject == "Rückruf" and activity.text == "Bestellt" and activity.user == user
    record = AuditRecord.objects.get(action="followup.complete")
    assert record.before["done_at"] is None and record.after["activity_id"] == activity.pk
    assert AuditRecord.objects.filter(action="activity.create", party_id=party.pk).exists()


def test_completing_without_logging_writes_no_activity(org, make_user):
    follow_up = do_create_follow_up(
        actor=make_user("editor"), party=org(), due_on=_today(), subject="X"
    )
    done = do_complete_follow_up(follow_up, actor=None)
    assert done.done_at is not None and done.activity is None
    assert not Activity.objects.exists()


def test_completing_twice_changes_nothing_and_logs_no_second_activity(org, make_user):
    user = make_user("editor")
    follow_up = do_create_follow_up(actor=user, party=org(), due_on=_today(), subject="X")
    first = do_complete_follow_up(follow_up, actor=user, log_activity=True)
    again = do_complete_follow_up(follow_up, actor=user, log_activity=True, activity_text="nochmal")
    assert again.done_at == first.done_at and again.activity_id == first.activity_id
    assert Activity.objects.count() == 1
    assert AuditRecord.objects.filter(action="followup.complete").count() == 1


def test_a_refused_activity_leaves_the_follow_up_open_and_names_the_activity_field(org, make_user):
    follow_up = do_create_follow_up(
        actor=make_user("editor"), party=org(), due_on=_today(), subject="X"
    )
    with pytest.raises(ValidationError) as exc:
        do_complete_follow_up(follow_up, actor=None, log_activity=True, activity_kind="fax")
    assert set(exc.value.message_dict) == {"activity_kind"}
    follow_up.refresh_from_db()
    assert follow_up.is_open and not Activity.objects.exists()


def test_reopening_clears_done_and_keeps_the_activity_on_the_file(org, make_user):
    user = make_user("editor")
    follow_up = do_create_follow_up(actor=user, party=org(), due_on=_today(), subject="X")
    do_complete_follow_up(follow_up, actor=user, log_activity=True)
    reopened = do_reopen_follow_up(follow_up, actor=user)
    assert reopened.is_open and reopened.done_by is None and reopened.activity is None
    assert Activity.objects.count() == 1
    assert AuditRecord.objects.get(action="followup.reopen").before["activity_id"] is not None
    do_reopen_follow_up(follow_up, actor=user)
    assert AuditRecord.objects.filter(action="followup.reopen").count() == 1


def test_deleting_a_follow_up_records_what_it_said_once(org, make_user):
    user = make_user("editor")
    follow_up = do_create_follow_up(actor=user, party=org(), due_on=_today(), subject="Versehen")
    assert do_delete_follow_up(follow_up, actor=user) is True
    assert do_delete_follow_up(follow_up, actor=user) is False
    assert not FollowUp.objects.exists()
    record = AuditRecord.objects.get(action="followup.delete")
    assert record.before["subject"] == "Versehen" and record.after is None


def test_deleting_the_logged_activity_leaves_the_follow_up_done(org, make_user):
    from verbund.activities.actions import do_delete_activity

    user = make_user("editor")
    follow_up = do_create_follow_up(actor=user, party=org(), due_on=_today(), subject="X")
    done = do_complete_follow_up(follow_up, actor=user, log_activity=True)
    do_delete_activity(done.activity, actor=user)
    follow_up.refresh_from_db()
    assert follow_up.done_at is not None and follow_up.activity is None


def test_deleting_the_assigned_user_leaves_the_follow_up_unassigned(org, make_user):
    user = make_user("editor", username="geht")
    follow_up = do_create_follow_up(actor=user, party=org(), due_on=_today(), subject="X")
    user.delete()
    follow_up.refresh_from_db()
    assert follow_up.assigned_to is None and follow_up.created_by is None
