"""Tags ("Schlagwörter") and the responsible user in the UI: set on the party form, shown on
the file, filtered on the list; one rule for a tag's name (parties.rules) for the form, the API
and the bulk paths."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from verbund.core.models import AuditRecord
from verbund.parties.actions import do_update_party, tags_named
from verbund.parties.models import Party, Tag

pytestmark = pytest.mark.django_db


def form_data(party: Party, **extra: Any) -> dict[str, Any]:
    data = {
        "kind": party.kind,
        "number": party.number,
        "name": party.name,
        "country": party.country,
        "status": party.status,
        "city": party.city,
        "postcode": party.postcode,
    }
    return {**data, **extra}


def tag_names(party: Party) -> list[str]:
    return sorted(party.tags.values_list("name", flat=True))


def test_the_form_sets_the_responsible_user_and_ticked_and_new_tags_in_one_audited_change(
    client_for, org, make_user
):
    party = org("Müller Handel GmbH")
    anna = make_user("editor", username="anna", first_name="Anna", last_name="Arndt")
    a_kunde = Tag.objects.create(name="A-Kunde")
    Tag.objects.create(name="Newsletter")
    c = client_for("editor")
    data = form_data(
        party, responsible=anna.pk, tags=[a_kunde.pk], tag_names="Messe 2027,  neukunde , "
    )
    response = c.post(reverse("party-edit", args=[party.pk]), data)
    assert response.status_code == 302, response.content
    party.refresh_from_db()
    assert party.responsible == anna
    assert tag_names(party) == ["A-Kunde", "Messe 2027", "neukunde"]
    record = AuditRecord.objects.filter(action="party.update", party_id=party.pk).get()
    assert record.after["tags"] == ["A-Kunde", "Messe 2027", "neukunde"]
    assert record.before["tags"] == []


def test_a_typed_tag_in_another_case_or_spacing_is_the_stored_tag_not_a_second_one(org):
    party = org("Kunde AG")
    stored = Tag.objects.create(name="Key Account")
    do_update_party(party, actor=None, tags=["key  ACCOUNT", "KEY account"])
    assert list(party.tags.all()) == [stored]
    assert Tag.objects.count() == 1


def test_a_tag_in_umlauts_is_found_whatever_its_case_on_both_databases(org):
    party = org("Kunde AG")
    stored = Tag.objects.create(name="Über-Kunde")
    do_update_party(party, actor=None, tags=["über-kunde"])
    assert list(party.tags.all()) == [stored]


@pytest.mark.parametrize(("typed", "problem"), [("x" * 65, "64"), ("Messe, 2027", "Komma")])
def test_the_rule_refuses_a_bad_tag_name_naming_the_field(db, typed, problem):
    with pytest.raises(ValidationError) as refused:
        tags_named([typed])
    assert problem in refused.value.message_dict["tag_names"][0]
    assert Tag.objects.count() == 0


def test_a_too_long_new_tag_on_the_form_is_shown_at_its_field_and_nothing_is_written(
    client_for, org
):
    party = org("Kunde AG")
    data = form_data(party, name="Neu AG", tag_names="x" * 65)
    bad = client_for("editor").post(reverse("party-edit", args=[party.pk]), data)
    assert bad.status_code == 400
    assert "64" in str(bad.context["form"].errors["tag_names"])
    party.refresh_from_db()
    assert party.name == "Kunde AG" and Tag.objects.count() == 0


def test_the_api_refuses_a_tag_with_a_comma_naming_the_field(api_for, org):
    party = org("Kunde AG")
    res = api_for("editor").patch(
        f"/api/v1/parties/{party.pk}/", {"tag_names": ["Messe, 2027"]}, format="json"
    )
    assert res.status_code == 400
    assert "tag_names" in res.json()
    assert Tag.objects.count() == 0


def test_a_deactivated_responsible_user_survives_saving_the_form_for_another_change(
    client_for, org, make_user
):
    party = org("Kunde AG")
    gone = make_user("editor", username="gone", first_name="Gerd", last_name="Gegangen")
    do_update_party(party, actor=None, responsible=gone)
    gone.is_active = False
    gone.save()
    c = client_for("editor")
    page = c.get(reverse("party-edit", args=[party.pk]))
    assert "Gerd Gegangen (deaktiviert)" in page.content.decode()
    data = form_data(party, name="Kunde Neu AG", responsible=gone.pk)
    assert c.post(reverse("party-edit", args=[party.pk]), data).status_code == 302
    party.refresh_from_db()
    assert party.responsible == gone and party.name == "Kunde Neu AG"


def test_a_deactivated_user_is_not_offered_for_a_new_party(client_for, make_user):
    make_user("editor", username="gone", first_name="Gerd", last_name="Gegangen", is_active=False)
    page = client_for("editor").get(reverse("party-create"))
    assert "Gegangen" not in page.content.decode()


def test_the_form_offers_the_user_filling_it_in_first_and_marked(client_for, make_user):
    make_user("editor", username="anna", first_name="Anna", last_name="Arndt")
    c = client_for("editor")
    options = c.get(reverse("party-create")).context["form"]["responsible"].field.choices
    labels = [str(label) for _, label in options]
    assert labels[0] == "niemand"
    assert labels[1] == "web-editor (ich)"
    assert "Anna Arndt" in labels


def test_the_file_shows_its_tags_each_a_link_to_the_list_of_parties_with_it(client_for, org):
    tagged = org("Kunde AG", tags=["A-Kunde", "Messe 2027"])
    org("Anderer Kunde GmbH", tags=["Messe 2027"])
    org("Ohne Schlagwort KG")
    c = client_for("viewer")
    page = c.get(reverse("party-detail", args=[tagged.pk])).content.decode()
    assert 'href="/parties/?tag=Messe%202027"' in page and ">A-Kunde</a>" in page
    listed = c.get(reverse("party-list"), {"tag": "Messe 2027"})
    assert {p.name for p in listed.context["page"].rows} == {"Kunde AG", "Anderer Kunde GmbH"}


def test_the_api_lists_by_tag_and_refuses_a_tag_that_does_not_exist(api_for, org):
    org("Kunde AG", tags=["A-Kunde"])
    org("Anderer Kunde GmbH")
    api = api_for("viewer")
    res = api.get("/api/v1/parties/", {"tag": "A-Kunde"})
    assert [p["name"] for p in res.json()["results"]] == ["Kunde AG"]
    assert api.get("/api/v1/parties/", {"tag": "Gibt es nicht"}).status_code == 400


def test_a_party_with_several_tags_is_listed_once_under_one_of_them(api_for, org):
    org("Kunde AG", tags=["A-Kunde", "Messe 2027", "Newsletter"])
    res = api_for("viewer").get("/api/v1/parties/", {"tag": "Messe 2027"})
    assert [p["name"] for p in res.json()["results"]] == ["Kunde AG"]


def test_a_viewer_cannot_change_tags_or_the_responsible_user(client_for, org):
    party = org("Kunde AG")
    c = client_for("viewer")
    response = c.post(reverse("party-edit", args=[party.pk]), form_data(party, tag_names="X"))
    assert response.status_code == 403
    assert Tag.objects.count() == 0


def test_a_persons_date_of_birth_is_set_on_the_form_in_german_and_shown_on_the_file(
    client_for, person
):
    erika = person("Erika", "Muster")
    c = client_for("editor")
    data = {"kind": "person", "number": erika.number, "first_name": "Erika",
            "last_name": "Muster", "status": erika.status, "country": "DE",
            "birth_date": "7.3.1961"}  # fmt: skip
    assert c.post(reverse("party-edit", args=[erika.pk]), data).status_code == 302
    erika.refresh_from_db()
    assert str(erika.birth_date) == "1961-03-07"
    page = c.get(reverse("party-detail", args=[erika.pk])).content.decode()
    assert "Geburtsdatum" in page and "07.03.1961" in page
    bad = c.post(reverse("party-edit", args=[erika.pk]), {**data, "birth_date": "31.02.1961"})
    assert bad.status_code == 400
    assert "kein Datum" in str(bad.context["form"].errors["birth_date"])
