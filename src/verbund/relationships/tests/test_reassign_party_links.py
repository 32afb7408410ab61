"""do_reassign_party_links / do_restore_party_links: the relationship part of a merge."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from verbund.core.models import AuditRecord
from verbund.hierarchies.consistency import differences
from verbund.hierarchies.selectors import ultimate_parent
from verbund.relationships.actions import (
    do_create_relationship,
    do_end_relationship,
    do_reassign_party_links,
    do_restore_party_links,
)
from verbund.relationships.models import Relationship

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(org):
    return org("Mueller Bau GmbH", street="Hauptstr. 5"), org("Müller Bau GmbH")


def test_it_moves_links_in_place_keeping_id_dates_and_history(pair, org):
    source, survivor = pair
    supplier = org("Lieferant KG", street="Weg 2")
    link = do_create_relationship(
        actor=None, type="supplier", from_party=supplier, to_party=source, valid_from="2020-01-01"
    )
    result = do_reassign_party_links(source, survivor, actor=None)
    link.refresh_from_db()
    assert link.to_party_id == survivor.pk and link.valid_from == dt.date(2020, 1, 1)
    assert [item["id"] for item in result["moved"]] == [link.pk]
    assert result["ended"] == []
    assert {
        r.party_id
        for r in AuditRecord.objects.filter(action="relationship.reassign", object_id=str(link.pk))
    } == {supplier.pk, source.pk, survivor.pk}


def test_it_ends_and_reports_self_links_and_repeats_instead_of_moving_them(pair, org):
    source, survivor = pair
    supplier = org("Lieferant KG", street="Weg 2")
    selflink = do_create_relationship(
        actor=None, type="sister", from_party=source, to_party=survivor
    )
    do_create_relationship(actor=None, type="supplier", from_party=supplier, to_party=survivor)
    repeat = do_create_relationship(
        actor=None, type="supplier", from_party=supplier, to_party=source
    )
    result = do_reassign_party_links(source, survivor, actor=None)
    assert result["moved"] == []
    assert {(i["id"], i["reason"], i["type"]) for i in result["ended"]} == {
        (selflink.pk, "self", "sister"),
        (repeat.pk, "repeat", "supplier"),
    }
    for rel in (selflink, repeat):
        rel.refresh_from_db()
        assert rel.valid_to == dt.date.today()
        assert source.pk in (rel.from_party_id, rel.to_party_id)
    assert next(i for i in result["ended"] if i["id"] == repeat.pk)["message"]


def test_a_link_that_already_ended_is_reported_but_not_ended_again(pair, org):
    source, survivor = pair
    old = do_create_relationship(
        actor=None, type="sister", from_party=source, to_party=survivor, valid_from="2019-01-01"
    )
    do_end_relationship(old, actor=None, valid_to="2020-12-31")
    result = do_reassign_party_links(source, survivor, actor=None)
    assert result["ended"][0]["ended"] is False
    old.refresh_from_db()
    assert old.valid_to == dt.date(2020, 12, 31)


def test_a_second_parent_is_refused_and_reported_as_a_conflict(pair, org):
    source, survivor = pair
    p1, p2 = org("Eins AG", street="A 1"), org("Zwei AG", street="B 2")
    link = do_create_relationship(actor=None, type="group", from_party=source, to_party=p1)
    do_create_relationship(actor=None, type="group", from_party=survivor, to_party=p2)
    result = do_reassign_party_links(source, survivor, actor=None)
    assert [(i["id"], i["reason"]) for i in result["ended"]] == [(link.pk, "conflict")]
    assert ultimate_parent(survivor.pk, "group") == p2.pk
    assert differences() == []


def test_the_closure_follows_moved_hierarchy_links_and_their_restore(pair, org):
    source, survivor = pair
    top = org("Holding AG", street="Ring 1")
    child = org("Tochter GmbH", street="Weg 3")
    up = do_create_relationship(actor=None, type="group", from_party=source, to_party=top)
    down = do_create_relationship(actor=None, type="group", from_party=child, to_party=source)
    result = do_reassign_party_links(source, survivor, actor=None)
    assert ultimate_parent(child.pk, "group") == top.pk
    assert ultimate_parent(survivor.pk, "group") == top.pk
    assert differences() == []
    do_restore_party_links(result, actor=None)
    for rel in (up, down):
        rel.refresh_from_db()
    assert up.from_party_id == source.pk and down.to_party_id == source.pk
    assert ultimate_parent(survivor.pk, "group") == survivor.pk
    assert differences() == []


def test_restore_gives_ended_links_their_old_end_back(pair, org):
    source, survivor = pair
    selflink = do_create_relationship(
        actor=None, type="sister", from_party=source, to_party=survivor
    )
    result = do_reassign_party_links(source, survivor, actor=None)
    do_restore_party_links(result, actor=None)
    selflink.refresh_from_db()
    assert selflink.valid_to is None


def test_it_refuses_to_move_links_to_the_same_party(pair):
    source, _survivor = pair
    with pytest.raises(ValidationError):
        do_reassign_party_links(source, source, actor=None)
    assert not Relationship.objects.exists()
