"""A duplicate merge moves the merged record's follow-ups, open and done, to the survivor, its
plan lists them, and undoing it moves them back."""

import datetime as dt

import pytest
from django.utils import timezone

from verbund.followups.actions import do_complete_follow_up, do_create_follow_up
from verbund.followups.models import FollowUp
from verbund.quality.actions import do_merge, do_undo_merge

pytestmark = pytest.mark.django_db


def test_a_merge_moves_the_follow_ups_and_undo_moves_them_back(org, make_user):
    user = make_user("editor")
    source, survivor = org("Müller GmbH"), org("Müller GmbH (alt)")
    today = timezone.localdate()
    open_one = do_create_follow_up(actor=user, party=source, due_on=today, subject="Rückruf")
    done_one = do_create_follow_up(actor=user, party=source, due_on=today, subject="Angebot")
    do_complete_follow_up(done_one, actor=user)
    kept = do_create_follow_up(
        actor=user, party=survivor, due_on=today + dt.timedelta(days=1), subject="Besuch"
    )
    record = do_merge(source, survivor, actor=user)
    assert set(FollowUp.objects.filter(party=survivor).values_list("pk", flat=True)) == {
        open_one.pk,
        done_one.pk,
        kept.pk,
    }
    do_undo_merge(record, actor=user)
    assert set(FollowUp.objects.filter(party=source).values_list("pk", flat=True)) == {
        open_one.pk,
        done_one.pk,
    }
    assert FollowUp.objects.get(pk=kept.pk).party_id == survivor.pk


def test_the_merge_plan_names_each_follow_up_it_moves(org, make_user):
    from verbund.followups import merge

    source, survivor = org("Plan GmbH"), org("Plan GmbH ")
    follow_up = do_create_follow_up(
        actor=make_user("editor"), party=source, due_on=dt.date(2026, 12, 14), subject="Rückruf"
    )
    moved = merge.reassign(source, survivor, actor=None)
    assert moved == {merge.MOVED: [follow_up.pk]}
    [line] = merge.describe(moved)
    assert line["outcome"] == "moved" and "Rückruf" in line["text"] and "14.12." in line["text"]


def test_a_merge_without_follow_ups_records_none(org):
    from verbund.followups import merge

    assert merge.reassign(org("A GmbH"), org("B GmbH"), actor=None) == {}
