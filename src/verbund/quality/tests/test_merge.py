import pytest
from django.core.exceptions import ValidationError

from verbund.core.models import AuditRecord
from verbund.parties.actions import resolve_party
from verbund.parties.models import Party
from verbund.quality.actions import do_mark_not_duplicate, do_merge, do_undo_merge
from verbund.quality.models import CandidateStatus, DuplicateCandidate, NotDuplicate
from verbund.relationships.actions import do_create_relationship
from verbund.relationships.models import Relationship


@pytest.fixture
def pair(org):
    survivor = org(
        "Müller Bau GmbH", street="Hauptstraße 5", phone="", erp_source="SAP", erp_id="100"
    )
    source = org(
        "Mueller Bau GmbH",
        street="Hauptstr. 5",
        phone="0221 123456",
        erp_source="SAP",
        erp_id="200",
    )
    return source, survivor


def test_the_survivor_takes_the_chosen_values_and_the_merged_record_redirects(pair, make_user):
    source, survivor = pair
    steward = make_user("steward")
    record = do_merge(source, survivor, actor=steward, values={"phone": "0221 123456"})
    survivor.refresh_from_db()
    source.refresh_from_db()
    assert survivor.phone == "0221 123456"
    assert source.merged_into_id == survivor.pk and source.archived
    assert source.erp_key == "SAP:200"
    assert resolve_party("SAP:200") == survivor
    assert resolve_party(source.number) == survivor
    assert record.values == {"phone": "0221 123456"}
    assert AuditRecord.objects.filter(action="quality.merge", party_id=source.pk).exists()


def test_relationships_and_contacts_move_and_self_links_and_repeats_are_ended_and_reported(
    pair, org, person
):
    source, survivor = pair
    parent = org("Holding AG", street="Ring 1")
    supplier = org("Lieferant KG", street="Weg 2")
    contact = person("Erika", "Muster", organisation=source)
    moved = do_create_relationship(actor=None, type="group", from_party=source, to_party=parent)
    selflink = do_create_relationship(
        actor=None, type="sister", from_party=source, to_party=survivor
    )
    do_create_relationship(actor=None, type="supplier", from_party=supplier, to_party=survivor)
    repeat = do_create_relationship(
        actor=None, type="supplier", from_party=supplier, to_party=source
    )
    record = do_merge(source, survivor, actor=None)
    moved.refresh_from_db()
    selflink.refresh_from_db()
    repeat.refresh_from_db()
    contact.refresh_from_db()
    assert moved.from_party_id == survivor.pk
    assert contact.organisation_id == survivor.pk
    assert selflink.valid_to is not None and source.pk in (
        selflink.from_party_id,
        selflink.to_party_id,
    )
    assert repeat.valid_to is not None and repeat.to_party_id == source.pk
    assert sorted(r["reason"] for r in record.report) == ["repeat", "self"]
    assert not Relationship.objects.filter(from_party=survivor, to_party=survivor).exists()


def test_a_merge_can_be_undone(pair, org, person):
    source, survivor = pair
    parent = org("Holding AG", street="Ring 1")
    contact = person("Erika", "Muster", organisation=source)
    rel = do_create_relationship(actor=None, type="group", from_party=source, to_party=parent)
    selflink = do_create_relationship(
        actor=None, type="sister", from_party=source, to_party=survivor
    )
    record = do_merge(
        source,
        survivor,
        actor=None,
        values={"phone": "0221 123456", "name": "Müller Bau GmbH & Co. KG"},
    )
    do_undo_merge(record, actor=None)
    for obj in (source, survivor, rel, contact, selflink, record):
        obj.refresh_from_db()
    assert source.merged_into_id is None and not source.archived
    assert survivor.phone == "" and survivor.name == "Müller Bau GmbH"
    assert rel.from_party_id == source.pk
    assert contact.organisation_id == source.pk
    assert selflink.valid_to is None
    assert record.undone_at is not None
    assert resolve_party("SAP:200") == source
    with pytest.raises(ValidationError):
        do_undo_merge(record, actor=None)


def test_it_refuses_to_merge_a_party_into_itself_or_across_kinds(org, person):
    a = org()
    with pytest.raises(ValidationError):
        do_merge(a, a, actor=None)
    with pytest.raises(ValidationError):
        do_merge(person(), a, actor=None)


def test_numbers_and_erp_keys_cannot_be_taken_over(pair):
    source, survivor = pair
    with pytest.raises(ValidationError):
        do_merge(source, survivor, actor=None, values={"erp_id": "200"})


def test_not_a_duplicate_is_remembered_and_closes_the_candidate(pair):
    source, survivor = pair
    a, b = sorted((source.pk, survivor.pk))
    cand = DuplicateCandidate.objects.create(party_a_id=a, party_b_id=b, score=0.95)
    do_mark_not_duplicate(source, survivor, actor=None, note="zwei Standorte")
    cand.refresh_from_db()
    assert cand.status == CandidateStatus.REJECTED
    assert NotDuplicate.objects.filter(party_a_id=a, party_b_id=b).exists()


def test_a_merged_party_cannot_be_merged_again(pair, org):
    source, survivor = pair
    do_merge(source, survivor, actor=None)
    with pytest.raises(ValidationError):
        do_merge(Party.objects.get(pk=source.pk), org("Dritte GmbH"), actor=None)


def test_the_hierarchy_closure_stays_consistent_through_merge_and_undo(pair, org):
    from verbund.hierarchies.consistency import differences

    source, survivor = pair
    top = org("Holding AG", street="Ring 1")
    child = org("Tochter GmbH", street="Weg 3")
    do_create_relationship(actor=None, type="group", from_party=source, to_party=top)
    do_create_relationship(actor=None, type="group", from_party=child, to_party=source)
    record = do_merge(source, survivor, actor=None)
    assert differences() == []
    from verbund.hierarchies.selectors import ultimate_parent

    assert ultimate_parent(child.pk, "group") == top.pk
    do_undo_merge(record, actor=None)
    assert differences() == []


def test_a_second_parent_is_not_created_but_reported(pair, org):
    source, survivor = pair
    p1, p2 = org("Eins AG", street="A 1"), org("Zwei AG", street="B 2")
    link = do_create_relationship(actor=None, type="group", from_party=source, to_party=p1)
    do_create_relationship(actor=None, type="group", from_party=survivor, to_party=p2)
    record = do_merge(source, survivor, actor=None)
    link.refresh_from_db()
    assert link.from_party_id == source.pk and link.valid_to is not None
    assert record.report[0]["reason"] == "conflict"
    assert (
        Relationship.objects.filter(
            from_party=survivor, type__key="group", valid_to__isnull=True
        ).count()
        == 1
    )


def test_other_apps_rows_move_through_their_merge_modules_and_come_back_on_undo(pair):
    from verbund.activities.actions import do_create_activity
    from verbund.activities.models import Activity

    source, survivor = pair
    note = do_create_activity(actor=None, party=source, subject="Besuch")
    record = do_merge(source, survivor, actor=None)
    assert Activity.objects.get(pk=note.pk).party_id == survivor.pk
    assert record.moved["apps"]["verbund.activities.merge"] == {"activities.activity": [note.pk]}
    do_undo_merge(record, actor=None)
    assert Activity.objects.get(pk=note.pk).party_id == source.pk
