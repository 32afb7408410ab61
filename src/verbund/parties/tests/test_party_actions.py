import pytest
from django.core.exceptions import ValidationError

from verbund.core.errors import Conflict
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


@pytest.mark.django_db
def test_a_given_numeric_number_moves_the_sequence_past_it(org):
    org("A", number="500000")
    assert org("B").number == "500001"


@pytest.mark.django_db
def test_a_taken_number_is_refused_naming_the_field(org):
    org("A", number="K-1")
    # Stored data refuses it, not the value: a Conflict (the API's 409), shown as any refusal.
    with pytest.raises(Conflict) as exc:
        org("B", number="K-1")
    assert list(exc.value.message_dict) == ["number"]


@pytest.mark.django_db
def test_a_person_name_follows_first_and_last_name(person):
    erika = person(first_name="Erika", last_name="Mustermann")
    assert erika.name == "Erika Mustermann"
    renamed = do_update_party(erika, actor=None, last_name="Musterfrau")
    assert renamed.name == "Erika Musterfrau"


@pytest.mark.django_db
def test_a_person_needs_a_last_name():
    with pytest.raises(ValidationError) as exc:
        do_create_party(actor=None, kind="person", first_name="Erika")
    assert "last_name" in exc.value.message_dict


@pytest.mark.django_db
def test_only_persons_belong_to_an_organisation(org, person):
    company = org()
    with pytest.raises(ValidationError) as exc:
        org("B", organisation=company)
    assert "organisation" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        person(organisation=person(first_name="Max"))
    assert "organisation" in exc.value.message_dict


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("lei", "529900T8BM49AURSDO56"),
        ("lei", "ABC"),
        ("vat_id", "12"),
        ("email", "no-at"),
        ("status", "vip"),
        ("kind", "robot"),
    ],
)
def test_it_rejects_bad_field_values_naming_the_field(field, value):
    with pytest.raises(ValidationError) as exc:
        do_create_party(actor=None, name="X GmbH", **{field: value})
    assert field in exc.value.message_dict


@pytest.mark.django_db
def test_it_normalises_country_vat_id_and_lei(org):
    party = org("A", country="at", vat_id="atu 12345678", lei="529900t8bm49aursdo55")
    assert (party.country, party.vat_id, party.lei) == ("AT", "ATU12345678", "529900T8BM49AURSDO55")


@pytest.mark.django_db
def test_unknown_fields_are_refused():
    with pytest.raises(ValidationError) as exc:
        do_create_party(actor=None, name="X", colour="red")
    assert "colour" in exc.value.message_dict


@pytest.mark.django_db
def test_an_update_without_changes_writes_no_audit_record(org):
    party = org("A")
    count = AuditRecord.objects.count()
    do_update_party(party, actor=None, city=party.city)
    assert AuditRecord.objects.count() == count


@pytest.mark.django_db
def test_tag_changes_are_audited(org, make_user):
    user = make_user("editor")
    party = org("A", tags=["Messe"])
    do_update_party(party, actor=user, tags=["Messe", "A-Kunde"])
    record = AuditRecord.objects.get(action="party.update", party_id=party.pk)
    assert record.actor == user
    assert record.before["tags"] == ["Messe"] and record.after["tags"] == ["A-Kunde", "Messe"]


@pytest.mark.django_db
def test_a_merged_party_cannot_be_changed_and_redirects(org):
    survivor, source = org("Survivor GmbH"), org("Dublette GmbH")
    # Merging belongs to the quality app; here only the redirect is set.
    source.merged_into = survivor
    source.save(update_fields=["merged_into"])
    with pytest.raises(ValidationError):
        do_update_party(source, actor=None, city="Bonn")
    assert resolve_party(source.number) == survivor


@pytest.mark.django_db
def test_resolving_an_unknown_reference_names_it():
    from verbund.parties.models import Party

    with pytest.raises(Party.DoesNotExist, match="SAP:0"):
        resolve_party("SAP:0")
    with pytest.raises(Party.DoesNotExist):
        resolve_party("9" * 30)


@pytest.mark.django_db
def test_a_merged_party_redirects_to_its_survivor_and_can_stand_alone_again(org):
    from verbund.parties.actions import do_mark_merged, do_unmark_merged

    survivor = org("Müller Bau GmbH")
    merged = org("Mueller Bau GmbH", erp_source="SAP", erp_id="200")
    do_mark_merged(merged, survivor, actor=None)
    merged.refresh_from_db()
    assert merged.merged_into_id == survivor.pk and merged.archived
    assert resolve_party("SAP:200") == survivor
    assert resolve_party(merged.number) == survivor
    record = AuditRecord.objects.get(party_id=merged.pk, action="party.merge")
    assert record.before == {"merged_into": None, "archived": False}
    with pytest.raises(ValidationError):
        do_update_party(merged, actor=None, city="Bonn")
    do_unmark_merged(merged, actor=None)
    merged.refresh_from_db()
    assert merged.merged_into_id is None and not merged.archived
    assert resolve_party("SAP:200") == merged
    assert AuditRecord.objects.filter(party_id=merged.pk, action="party.unmerge").exists()


@pytest.mark.django_db
def test_unmerging_keeps_a_party_archived_that_was_archived_before(org):
    from verbund.parties.actions import do_mark_merged, do_unmark_merged

    survivor, merged = org("Alpha GmbH"), org("Alpha GmbH", street="Weg 1")
    do_archive_party(merged, actor=None)
    do_mark_merged(merged, survivor, actor=None)
    do_unmark_merged(merged, actor=None, archived=True)
    merged.refresh_from_db()
    assert merged.archived and merged.merged_into_id is None


@pytest.mark.django_db
def test_it_refuses_to_mark_a_party_merged_into_itself_a_merged_party_or_another_kind(org, person):
    from verbund.parties.actions import do_mark_merged, do_unmark_merged

    a, b, c = org("Alpha GmbH"), org("Beta GmbH"), org("Gamma GmbH")
    with pytest.raises(ValidationError):
        do_mark_merged(a, a, actor=None)
    with pytest.raises(ValidationError):
        do_mark_merged(person(), a, actor=None)
    do_mark_merged(a, b, actor=None)
    with pytest.raises(ValidationError):
        do_mark_merged(c, a, actor=None)
    with pytest.raises(ValidationError):
        do_mark_merged(a, c, actor=None)
    with pytest.raises(ValidationError):
        do_unmark_merged(c, actor=None)
