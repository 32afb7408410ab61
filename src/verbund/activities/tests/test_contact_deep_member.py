"""The contact check starts its page at the person (activities.selectors.is_contact): it holds for
a member deep in a group, whose depth is not the top's, and for every contact, not the first."""

import pytest

from verbund.activities.selectors import is_contact
from verbund.parties.actions import do_create_party
from verbund.relationships.actions import do_create_relationship

pytestmark = pytest.mark.django_db


def test_a_contact_of_a_member_deep_in_a_group_is_a_contact(org):
    holding = org("Holding AG")
    sub = org("Tochter GmbH")
    subsub = org("Enkel GmbH")
    do_create_relationship(actor=None, type="group", from_party=sub, to_party=holding)
    do_create_relationship(actor=None, type="group", from_party=subsub, to_party=sub)
    people = [
        do_create_party(
            actor=None, kind="person", first_name=first, last_name=last, organisation=subsub
        )
        for first, last in (("Anna", "Arndt"), ("Bert", "Brandt"), ("Carl", "Christ"))
    ]
    for p in people:
        assert is_contact(subsub, p.pk), p
        assert is_contact(sub, p.pk) is False
