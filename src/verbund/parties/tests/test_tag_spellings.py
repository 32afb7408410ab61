"""One tag per name in any spelling, kept by the database (``Tag.key``, decision 0067): two
requests storing "Messe" and "messe" at the same moment end with one tag; a second spelling
cannot be stored even past the actions; renaming a tag to another case of its own name, and
the tags page's merge into a name in another case, still work."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from verbund.core.models import AuditRecord
from verbund.parties import actions, rules
from verbund.parties.actions import do_create_tag, do_rename_tag, do_update_party, tags_named
from verbund.parties.models import Party, Tag

pytestmark = pytest.mark.django_db


def tags_of(party: Party) -> list[str]:
    return sorted(party.tags.values_list("name", flat=True))


def store(name: str) -> None:
    """What another request's commit leaves: the tag ``name`` stored (past this request)."""
    Tag.objects.bulk_create([Tag(name=name, key=rules.tag_key(name))])


@pytest.fixture
def stored_meanwhile(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Another request stores the tag ``name`` after this request's look-up found none, just
    before its own insert."""
    names: list[str] = []
    real_new_tag = actions._new_tag

    def new_tag(name: str, **kwargs: Any) -> Any:
        while names:
            store(names.pop())
        return real_new_tag(name, **kwargs)

    monkeypatch.setattr(actions, "_new_tag", new_tag)
    return names.append


@pytest.mark.parametrize(
    ("stored", "typed"), [("Messe", "messe"), ("Über-Kunde", "über-KUNDE"), ("Straße", "STRASSE")]
)
def test_the_database_refuses_a_second_spelling_of_a_stored_tag(stored, typed):
    Tag.objects.create(name=stored)
    with pytest.raises(IntegrityError), transaction.atomic():
        Tag.objects.create(name=typed)
    assert list(Tag.objects.values_list("name", flat=True)) == [stored]


def test_two_requests_storing_one_name_in_two_spellings_end_with_one_tag(org, stored_meanwhile):
    alpha, beta = org("Alpha GmbH"), org("Beta AG")
    do_update_party(alpha, actor=None, tags=["Messe"])
    stored_meanwhile("MESSE 2027")
    do_update_party(beta, actor=None, tags=["Messe 2027"])
    assert list(Tag.objects.values_list("name", flat=True)) == ["MESSE 2027", "Messe"]
    assert tags_of(beta) == ["MESSE 2027"]
    # The tag this request did not create is not recorded as created by it.
    created = AuditRecord.objects.filter(action="tag.create").values_list("after", flat=True)
    assert list(created) == [{"name": "Messe"}]


def test_creating_a_tag_another_request_stored_meanwhile_is_refused(db, stored_meanwhile):
    stored_meanwhile("messe")
    with pytest.raises(ValidationError) as refused:
        do_create_tag("Messe", actor=None)
    assert refused.value.message_dict == {"name": ["Dieses Schlagwort gibt es schon."]}
    # (The other request's row, written here inside this request's transaction, went with it.)
    assert not AuditRecord.objects.filter(action="tag.create").exists()


def test_renaming_into_a_name_another_request_stored_meanwhile_merges(org, monkeypatch):
    alpha = org("Alpha GmbH", tags=["Mese"])
    tag = Tag.objects.get(name="Mese")
    real_alike = rules.tag_alike

    def look_up_then_other_request(name: str, exclude: int | None = None) -> Tag | None:
        found = real_alike(name, exclude)
        if not Tag.objects.filter(name="messe").exists():
            store("messe")
        return found

    monkeypatch.setattr(rules, "tag_alike", look_up_then_other_request)
    kept = do_rename_tag(tag, "Messe", actor=None)
    assert kept.name == "messe" and tags_of(alpha) == ["messe"]
    assert list(Tag.objects.values_list("name", flat=True)) == ["messe"]
    assert AuditRecord.objects.filter(action="tag.merge", object_id=str(kept.pk)).exists()


def test_renaming_a_tag_to_another_case_of_its_own_name_renames_it(org):
    alpha = org("Alpha GmbH", tags=["messe"])
    tag = Tag.objects.get()
    kept = do_rename_tag(tag, "Messe", actor=None)
    assert kept.pk == tag.pk and tags_of(alpha) == ["Messe"]
    assert Tag.objects.get().key == "messe"
    record = AuditRecord.objects.get(action="tag.rename")
    assert (record.before, record.after) == ({"name": "messe"}, {"name": "Messe"})


def test_the_tags_page_merges_a_tag_renamed_to_another_tags_name_in_another_case(client_for, org):
    alpha = org("Alpha GmbH", tags=["Messe"])
    beta = org("Beta AG", tags=["Mese"])
    typo = Tag.objects.get(name="Mese")
    response = client_for("steward").post(f"/tags/{typo.pk}/rename/", {"name": "MESSE"})
    assert response.status_code == 302
    assert tags_of(alpha) == ["Messe"] and tags_of(beta) == ["Messe"]
    assert list(Tag.objects.values_list("name", flat=True)) == ["Messe"]


def test_a_tag_is_found_by_its_key_whatever_the_spelling(db):
    (stored,) = tags_named(["Straße  Nord"])
    assert tags_named(["STRASSE nord", "straße nord"]) == [stored]
    assert rules.tag_alike(" strasse NORD ") == stored
