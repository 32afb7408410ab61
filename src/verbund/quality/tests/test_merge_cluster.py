"""Merging without losing a value, the plan shown before a merge, and clusters merged as one."""

import pytest
from django.core.exceptions import ValidationError

from verbund.activities.actions import do_create_activity
from verbund.core.models import AuditRecord
from verbund.parties.models import Party
from verbund.quality.actions import (
    do_merge,
    do_merge_cluster,
    do_undo_merge,
    plan_merge,
    preferred_sources,
)
from verbund.quality.models import CandidateStatus, DuplicateCandidate, MergeRecord
from verbund.relationships.actions import do_create_relationship
from verbund.relationships.models import Relationship
from verbund.revenue.actions import do_record_revenue
from verbund.revenue.models import RevenueMonth


def test_a_merge_without_chosen_values_keeps_the_other_records_vat_id(org):
    survivor = org("Müller Bau GmbH", vat_id="", phone="0221 1")
    source = org("Mueller Bau GmbH", vat_id="DE123456789", phone="0221 2")
    do_merge(source, survivor, actor=None)
    survivor.refresh_from_db()
    assert survivor.vat_id == "DE123456789"
    assert survivor.phone == "0221 1"


def test_the_form_pre_selects_the_filled_value_never_the_empty_one(org):
    survivor = org("Müller Bau GmbH", vat_id="", phone="0221 1")
    source = org("Mueller Bau GmbH", vat_id="DE123456789", phone="")
    picks = preferred_sources([survivor, source], survivor)
    assert picks["vat_id"] == source.pk
    assert picks["phone"] == survivor.pk
    assert picks["name"] == survivor.pk


def test_the_plan_lists_what_moves_and_what_ends_and_changes_nothing(org):
    survivor, source, other = org("Müller Bau GmbH"), org("Mueller Bau GmbH"), org("Baustoff AG")
    do_create_relationship(actor=None, type="settlement", from_party=source, to_party=survivor)
    do_create_relationship(actor=None, type="supplier", from_party=other, to_party=source)
    do_record_revenue(actor=None, party=source, month="2025-03", amount="1234.50")
    do_create_activity(actor=None, party=source, subject="Besuch beim Kunden")
    audits = AuditRecord.objects.count()

    plan = plan_merge([source], survivor, actor=None)

    sections = {s["key"]: s["items"] for s in plan["sections"]}
    ended = [i for i in sections["relationships"] if i["outcome"] == "ended"]
    assert "Zentralregulierung" in ended[0]["text"] or "zentralreguliert" in ended[0]["text"]
    assert ended[0]["why"]
    assert [i["outcome"] for i in sections["relationships"]].count("moved") == 1
    assert [i["outcome"] for i in sections["relationships"]].count("ended") == 1
    assert len(sections["verbund.revenue.merge"]) == 1
    assert "Besuch beim Kunden" in sections["verbund.activities.merge"][0]["text"]
    assert not MergeRecord.objects.exists()
    assert Party.objects.get(pk=source.pk).merged_into_id is None
    assert RevenueMonth.objects.get().party_id == source.pk
    assert Relationship.objects.filter(valid_to__isnull=False).count() == 0
    assert AuditRecord.objects.count() == audits


def test_the_plan_names_the_reason_a_merge_is_refused(org, person):
    a, b = org("Müller Bau GmbH"), person("Müller", "Anna")
    plan = plan_merge([b], a, actor=None)
    assert plan["refused"] and not plan["sections"]


def test_a_cluster_of_three_merges_in_one_step_and_is_undone_as_one(org):
    survivor = org("Müller Bau GmbH", vat_id="")
    second = org("Mueller Bau GmbH", vat_id="DE123456789")
    third = org("Müller Bau G.m.b.H.", phone="0221 3")
    DuplicateCandidate.objects.create(party_a=survivor, party_b=second, score=0.9)
    DuplicateCandidate.objects.create(party_a=second, party_b=third, score=0.9)
    do_record_revenue(actor=None, party=third, month="2025-03", amount="10")

    records = do_merge_cluster([second, third], survivor, actor=None)

    survivor.refresh_from_db()
    assert (survivor.vat_id, survivor.phone) == ("DE123456789", "0221 3")
    assert set(Party.objects.filter(merged_into=survivor).values_list("pk", flat=True)) == {
        second.pk,
        third.pk,
    }
    assert RevenueMonth.objects.get().party_id == survivor.pk
    assert set(DuplicateCandidate.objects.values_list("status", flat=True)) == {
        CandidateStatus.MERGED
    }

    do_undo_merge(records[0], actor=None)

    assert not Party.objects.filter(merged_into__isnull=False).exists()
    assert RevenueMonth.objects.get().party_id == third.pk
    survivor.refresh_from_db()
    assert (survivor.vat_id, survivor.phone) == ("", "")
    assert MergeRecord.objects.filter(undone_at__isnull=True).count() == 0
    assert set(DuplicateCandidate.objects.values_list("status", flat=True)) == {
        CandidateStatus.OPEN
    }


def test_a_cluster_naming_the_survivor_among_its_records_is_refused(org):
    a, b = org("Müller Bau GmbH"), org("Mueller Bau GmbH")
    with pytest.raises(ValidationError):
        do_merge_cluster([b, a], a, actor=None)
    assert not MergeRecord.objects.exists()
