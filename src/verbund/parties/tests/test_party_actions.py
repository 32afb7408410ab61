import pytest
from django.core.exceptions import ValidationError

from verbund.core.models import AuditRecord
from verbund.parties.actions import (
    do_archive_party,
    do_create_party,
    do_update_party,
    resolve_party,
)


@pytest.mark.django_db
def test_it_generates_unique_numbers_when_none_are_given(org):
    a, b = org("Alpha GmbH"), org("Beta AG")
    assert a.number and b.number and a.number != b.number


@pytest.mark.django_db
def test_it_audits_create_and_update_with_before_and_after(org):
    party = org("Alpha GmbH")
    do_update_party(party, actor=None, city="Bonn")
    records = list(AuditRecord.objects.filter(party_id=party.pk).order_by("id"))
    assert [r.action for r in records] == ["party.create", "party.update"]
    assert records[1].before["city"] == "Köln" and records[1].after["city"] == "Bonn"


@pytest.mark.django_db
def test_it_rejects_an_unknown_country_naming_the_field():
    with pytest.raises(ValidationError) as exc:
        do_create_party(actor=None, name="X GmbH", country="XX")
    assert "country" in exc.value.message_dict


@pytest.mark.django_db
def test_it_rejects_a_duplicate_erp_key(org):
    org("A", erp_source="SAP", erp_id="4711")
    with pytest.raises(ValidationError) as exc:
        org("B", erp_source="SAP", erp_id="4711")
    assert "erp_id" in exc.value.message_dict


@pytest.mark.django_db
def test_it_resolves_parties_by_id_number_and_erp_key(org):
    party = org("A", erp_source="SAP", erp_id="4711")
    assert resolve_party(str(party.pk)) == party
    assert resolve_party(party.number) == party
    assert resolve_party("SAP:4711") == party


@pytest.mark.django_db
def test_archiving_keeps_the_party_and_records_it(org):
    party = do_archive_party(org("A"), actor=None)
    assert party.archived
    assert AuditRecord.objects.filter(party_id=party.pk, action="party.archive").exists()
