"""The rules of a single relationship (issue 2, point 4), exercised through the actions."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from verbund.core.models import AuditRecord
from verbund.parties.actions import do_create_party
from verbund.relationships.actions import (
    do_create_relationship,
    do_create_relationship_type,
    do_deactivate_relationship_type,
    do_end_relationship,
    do_update_relationship,
)
from verbund.relationships.models import Relationship, RelationshipType
from verbund.relationships.selectors import party_relationships, seen_from

pytestmark = pytest.mark.django_db


def refused(field: str, **kwargs) -> str:
    """Create a relationship that must be refused; return the message for ``field``."""
    with pytest.raises(ValidationError) as exc:
        do_create_relationship(actor=None, **kwargs)
    errors = exc.value.message_dict
    assert field in errors, errors
    return " ".join(errors[field])


def test_it_refuses_a_party_kind_the_type_does_not_allow_on_the_from_side(org):
    company, parent = org("Tochter GmbH"), org("Mutter AG")
    erika = do_create_party(actor=None, kind="person", first_name="Erika", last_name="Muster")
    message = refused("from_party", type="group", from_party=erika, to_party=parent)
    assert "Person" in message
    assert not Relationship.objects.exists()
    assert company  # the organisation itself would be allowed


def test_it_refuses_a_party_kind_the_type_does_not_allow_on_the_to_side(org, person):
    erika, company = person(), org()
    refused("to_party", type="contact", from_party=erika, to_party=person(first_name="Max"))
    assert do_create_relationship(actor=None, type="contact", from_party=erika, to_party=company).pk


def test_it_refuses_a_party_related_to_itself(org):
    company = org()
    message = refused("to_party", type="supplier", from_party=company, to_party=company)
    assert "itself" in message or "selbst" in message


def test_it_refuses_the_same_active_link_twice(org):
    a, b = org("A"), org("B")
    do_create_relationship(
        actor=None, type="supplier", from_party=a, to_party=b, valid_from="2020-01-01"
    )
    refused("to_party", type="supplier", from_party=a, to_party=b, valid_from="2024-01-01")
    assert Relationship.objects.count() == 1


def test_it_refuses_overlapping_validity_of_the_same_link(org):
    a, b = org("A"), org("B")
    do_create_relationship(
        actor=None,
        type="supplier",
        from_party=a,
        to_party=b,
        valid_from="2020-01-01",
        valid_to="2020-12-31",
    )
    message = refused(
        "valid_from",
        type="supplier",
        from_party=a,
        to_party=b,
        valid_from="2020-12-31",
        valid_to="2021-06-30",
    )
    # Dates in messages follow the language (#22.7).
    assert "01.01.2020" in message
    # The day after the end does not overlap: the same link may start again.
    again = do_create_relationship(
        actor=None, type="supplier", from_party=a, to_party=b, valid_from="2021-01-01"
    )
    assert again.pk


def test_the_same_parties_may_be_linked_by_different_types_and_in_both_directions(org):
    a, b = org("A"), org("B")
    do_create_relationship(actor=None, type="supplier", from_party=a, to_party=b)
    do_create_relationship(actor=None, type="supplier", from_party=b, to_party=a)
    do_create_relationship(actor=None, type="consultant", from_party=a, to_party=b)
    assert Relationship.objects.count() == 3


def test_it_refuses_a_share_on_a_type_without_shares(org):
    message = refused("share", type="supplier", from_party=org("A"), to_party=org("B"), share=50)
    assert "share" in message.lower() or "anteil" in message.lower()


@pytest.mark.parametrize("share", [0, "-5", "100.01", 250])
def test_it_refuses_a_share_outside_zero_to_one_hundred(org, share):
    refused("share", type="group", from_party=org("A"), to_party=org("B"), share=share)


@pytest.mark.parametrize("share", ["0.0001", "50", 100])
def test_it_accepts_a_share_in_zero_to_one_hundred(org, share):
    rel = do_create_relationship(
        actor=None, type="group", from_party=org("A"), to_party=org("B"), share=share
    )
    assert rel.share == Decimal(str(share))


def test_it_refuses_a_share_that_is_not_a_number(org):
    refused("share", type="group", from_party=org("A"), to_party=org("B"), share="half")


def test_it_refuses_valid_to_before_valid_from(org):
    message = refused(
        "valid_to",
        type="supplier",
        from_party=org("A"),
        to_party=org("B"),
        valid_from="2024-05-01",
        valid_to="2024-04-30",
    )
    assert "30.04.2024" in message and "01.05.2024" in message


def test_a_one_day_relationship_is_allowed(org):
    rel = do_create_relationship(
        actor=None,
        type="supplier",
        from_party=org("A"),
        to_party=org("B"),
        valid_from="2024-05-01",
        valid_to="2024-05-01",
    )
    assert rel.is_valid_on(dt.date(2024, 5, 1)) and not rel.is_valid_on(dt.date(2024, 5, 2))


def test_it_refuses_a_malformed_date_naming_the_field(org):
    message = refused(
        "valid_from",
        type="supplier",
        from_party=org("A"),
        to_party=org("B"),
        valid_from="31.12.2024",
    )
    assert "31.12.2024" in message


def test_it_refuses_an_unknown_type_key(org):
    message = refused("type", type="no-such-type", from_party=org("A"), to_party=org("B"))
    assert "no-such-type" in message


def test_it_refuses_new_links_of_an_inactive_type(org):
    rtype = RelationshipType.objects.get(key="consultant")
    do_deactivate_relationship_type(rtype, actor=None)
    message = refused("type", type="consultant", from_party=org("A"), to_party=org("B"))
    assert rtype.name in message


def test_it_refuses_an_unknown_source_and_an_overlong_reference(org):
    a, b = org("A"), org("B")
    refused("source", type="supplier", from_party=a, to_party=b, source="fax")
    refused("external_ref", type="supplier", from_party=a, to_party=b, external_ref="x" * 200)


def test_a_symmetric_type_is_stored_once_and_read_from_both_sides(org):
    a, b = org("Alpha GmbH"), org("Beta GmbH")
    rel = do_create_relationship(actor=None, type="sister", from_party=b, to_party=a)
    # Stored with the smaller id first, whichever way it was entered.
    assert (rel.from_party_id, rel.to_party_id) == (a.pk, b.pk)
    # The reverse direction is the same link.
    refused("to_party", type="sister", from_party=a, to_party=b)
    assert Relationship.objects.count() == 1
    for me, other in ((a, b), (b, a)):
        (seen,) = seen_from(me.pk, party_relationships(me.pk))
        assert seen.other == other
        assert seen.label == RelationshipType.objects.get(key="sister").label_forward


def test_an_asymmetric_type_reads_forward_and_inverse(org):
    child, parent = org("Tochter GmbH"), org("Mutter AG")
    do_create_relationship(actor=None, type="group", from_party=child, to_party=parent, share=100)
    (from_child,) = seen_from(child.pk, party_relationships(child.pk))
    (from_parent,) = seen_from(parent.pk, party_relationships(parent.pk))
    assert from_child.label == "ist Tochtergesellschaft von" and from_child.other == parent
    assert from_parent.label == "ist Muttergesellschaft von" and from_parent.other == child


def test_ending_sets_valid_to_and_keeps_the_row(org):
    a, b = org("A"), org("B")
    rel = do_create_relationship(
        actor=None, type="supplier", from_party=a, to_party=b, valid_from="2020-01-01"
    )
    ended = do_end_relationship(rel, actor=None, valid_to="2023-12-31")
    assert ended.pk == rel.pk and ended.valid_to == dt.date(2023, 12, 31)
    assert ended.valid_from == dt.date(2020, 1, 1)
    # A new link later is a new row; the old one stays as history.
    new = do_create_relationship(
        actor=None, type="supplier", from_party=a, to_party=b, valid_from="2024-01-01"
    )
    assert new.pk != rel.pk
    assert Relationship.objects.filter(from_party=a, to_party=b).count() == 2
    assert Relationship.objects.get(pk=rel.pk).valid_to == dt.date(2023, 12, 31)


def test_ending_defaults_to_today(org):
    rel = do_create_relationship(
        actor=None, type="supplier", from_party=org("A"), to_party=org("B")
    )
    assert do_end_relationship(rel, actor=None).valid_to == dt.date.today()


def test_an_ended_relationship_cannot_be_ended_again_later(org):
    rel = do_create_relationship(
        actor=None, type="supplier", from_party=org("A"), to_party=org("B"), valid_to="2020-12-31"
    )
    with pytest.raises(ValidationError) as exc:
        do_end_relationship(rel, actor=None, valid_to="2024-01-01")
    assert "valid_to" in exc.value.message_dict
    assert Relationship.objects.get(pk=rel.pk).valid_to == dt.date(2020, 12, 31)


def test_ending_before_the_start_is_refused(org):
    rel = do_create_relationship(
        actor=None, type="supplier", from_party=org("A"), to_party=org("B"), valid_from="2024-01-01"
    )
    with pytest.raises(ValidationError) as exc:
        do_end_relationship(rel, actor=None, valid_to="2023-12-31")
    assert "valid_to" in exc.value.message_dict


def test_updating_keeps_type_and_parties_fixed(org):
    rel = do_create_relationship(
        actor=None, type="supplier", from_party=org("A"), to_party=org("B")
    )
    with pytest.raises(ValidationError) as exc:
        do_update_relationship(rel, actor=None, to_party=org("C"))
    assert "to_party" in exc.value.message_dict


def test_updating_checks_the_same_rules(org):
    a, b = org("A"), org("B")
    first = do_create_relationship(
        actor=None, type="supplier", from_party=a, to_party=b, valid_to="2020-12-31"
    )
    second = do_create_relationship(
        actor=None, type="supplier", from_party=a, to_party=b, valid_from="2021-01-01"
    )
    with pytest.raises(ValidationError) as exc:
        do_update_relationship(first, actor=None, valid_to="2021-03-31")
    assert "valid_from" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        do_update_relationship(second, actor=None, share=10)
    assert "share" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        do_update_relationship(second, actor=None, valid_to="2020-01-01")
    assert "valid_to" in exc.value.message_dict


def test_every_relationship_write_is_audited_with_actor_before_and_after(org, make_user):
    user = make_user("editor")
    a, b = org("A"), org("B")
    rel = do_create_relationship(
        actor=user, type="supplier", from_party=a, to_party=b, valid_from="2020-01-01"
    )
    do_update_relationship(rel, actor=user, note="Rahmenvertrag")
    do_end_relationship(rel, actor=user, valid_to="2024-06-30")
    records = AuditRecord.objects.filter(
        object_type="relationships.relationship", object_id=str(rel.pk)
    )
    # One record per side, so both parties' histories show each write.
    for party in (a, b):
        mine = records.filter(party_id=party.pk).order_by("id")
        assert [r.action for r in mine] == [
            "relationship.create",
            "relationship.update",
            "relationship.end",
        ]
        assert all(r.actor == user for r in mine)
        create, update, end = mine
        assert create.before is None and create.after["valid_from"] == "2020-01-01"
        assert update.before["note"] == "" and update.after["note"] == "Rahmenvertrag"
        assert end.before["valid_to"] is None and end.after["valid_to"] == "2024-06-30"


def test_an_update_that_changes_nothing_writes_no_audit_record(org):
    rel = do_create_relationship(
        actor=None, type="supplier", from_party=org("A"), to_party=org("B"), note="x"
    )
    count = AuditRecord.objects.count()
    do_update_relationship(rel, actor=None, note="x")
    assert AuditRecord.objects.count() == count


def test_a_refused_write_leaves_no_trace(org):
    a = org("A")
    count = AuditRecord.objects.count()
    with pytest.raises(ValidationError):
        do_create_relationship(actor=None, type="supplier", from_party=a, to_party=a)
    assert AuditRecord.objects.count() == count
    assert not Relationship.objects.exists()


def test_a_user_defined_type_works_like_a_built_in_one(org, person):
    rtype = do_create_relationship_type(
        actor=None,
        key="board-member",
        name_de="Aufsichtsrat",
        name_en="Supervisory board",
        label_forward_de="sitzt im Aufsichtsrat von",
        label_forward_en="sits on the supervisory board of",
        label_inverse_de="hat im Aufsichtsrat",
        label_inverse_en="has on its supervisory board",
        from_kind="person",
        to_kind="organisation",
    )
    erika, company = person(), org()
    rel = do_create_relationship(actor=None, type=rtype, from_party=erika, to_party=company)
    assert rel.type == rtype
    refused("from_party", type="board-member", from_party=company, to_party=org("Other"))
