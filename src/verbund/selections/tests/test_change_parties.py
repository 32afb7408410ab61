"""Changing every party of a selection at once: the responsible user, a tag added, a tag
removed; the page asks, shows how many and what, then changes (parties.actions.do_change_many,
also the API's change-parties), one history record per party changed, linking the selection."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from verbund.core.models import AuditRecord
from verbund.parties.actions import KEEP, do_change_many, do_update_party
from verbund.parties.models import Party, Tag
from verbund.selections.actions import do_save_selection

pytestmark = pytest.mark.django_db


@pytest.fixture
def bonn(org: Any, make_user: Any) -> dict[str, Any]:
    """Three customers in Bonn (one tagged "Newsletter", one already Anna's) and one in Köln,
    and a selection of the Bonn ones."""
    anna = make_user("editor", username="anna", first_name="Anna", last_name="Arndt")
    owner = make_user("editor", username="owner")
    parties = {
        "a": org("Alpha GmbH", city="Bonn", tags=["Newsletter"]),
        "b": org("Beta AG", city="Bonn"),
        "c": org("Gamma KG", city="Bonn"),
        "koeln": org("Köln KG", city="Köln", tags=["Newsletter"]),
    }
    do_update_party(parties["c"], actor=None, responsible=anna)
    selection = do_save_selection(actor=owner, name="Bonner Kunden", filters={"city": "Bonn"},
                                  shared_with="editor")  # fmt: skip
    return {"anna": anna, "selection": selection, **parties}


def tags_of(party: Party) -> list[str]:
    return sorted(party.tags.values_list("name", flat=True))


def test_the_action_changes_every_party_once_and_records_only_what_changed(bonn):
    bonn_parties = Party.objects.filter(city="Bonn")
    changed = do_change_many(
        bonn_parties,
        actor=None,
        responsible=bonn["anna"],
        add_tags=["messe 2027"],
        remove_tags=[Tag.objects.get(name="Newsletter")],
        note="Sammeländerung",
        source=bonn["selection"],
    )
    assert changed == 3
    for key in ("a", "b", "c"):
        party = Party.objects.get(pk=bonn[key].pk)
        assert party.responsible == bonn["anna"] and tags_of(party) == ["messe 2027"]
    assert tags_of(bonn["koeln"]) == ["Newsletter"]
    records = {
        r.party_id: r
        for r in AuditRecord.objects.filter(action="party.update", note="Sammeländerung")
    }
    assert set(records) == {bonn["a"].pk, bonn["b"].pk, bonn["c"].pk}
    a, c = records[bonn["a"].pk], records[bonn["c"].pk]
    assert a.before == {"responsible_id": None, "tags": ["Newsletter"]}
    assert a.after == {"responsible_id": bonn["anna"].pk, "tags": ["messe 2027"]}
    # Gamma was Anna's already: only its tags are recorded.
    assert c.before == {"tags": []} and c.after == {"tags": ["messe 2027"]}
    assert (a.object_type, a.object_id) == ("selections.selection", str(bonn["selection"].pk))
    # A second run finds every party as asked: nothing changes, nothing is recorded.
    again = do_change_many(
        bonn_parties, actor=None, responsible=bonn["anna"], add_tags=["Messe 2027"]
    )
    assert again == 0
    assert Tag.objects.filter(name__iexact="messe 2027").count() == 1


def test_keep_leaves_the_responsible_user_and_none_means_nobody(bonn):
    do_change_many(Party.objects.filter(city="Bonn"), actor=None, responsible=KEEP, add_tags=["X"])
    assert Party.objects.get(pk=bonn["c"].pk).responsible == bonn["anna"]
    do_change_many(Party.objects.filter(city="Bonn"), actor=None, responsible=None)
    assert not Party.objects.filter(city="Bonn", responsible__isnull=False).exists()


def test_a_tag_added_and_removed_at_once_or_a_bad_name_is_refused_and_nothing_is_written(bonn):
    newsletter = Tag.objects.get(name="Newsletter")
    with pytest.raises(ValidationError):
        do_change_many(Party.objects.all(), actor=None, add_tags=[newsletter], remove_tags=[newsletter],
                       responsible=bonn["anna"])  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        do_change_many(Party.objects.all(), actor=None, add_tags=["a, b"], responsible=bonn["anna"])
    assert "tag_names" in refused.value.message_dict
    assert not Party.objects.filter(responsible=bonn["anna"]).exclude(pk=bonn["c"].pk).exists()


def test_the_page_asks_shows_how_many_and_what_then_changes(client_for, bonn):
    c = client_for("editor")
    url = f"/selections/{bonn['selection'].pk}/change/"
    detail = c.get(f"/selections/{bonn['selection'].pk}/").content.decode()
    assert url in detail
    page = c.get(url)
    assert "Die Selektion enthält jetzt 3 Adressen." in page.content.decode()
    data = {"responsible": bonn["anna"].pk, "add_tag": "Messe 2027", "remove_tag": "Newsletter"}
    confirm = c.post(url, data)
    text = confirm.content.decode()
    assert confirm.status_code == 200
    assert "Dies ändert höchstens 3 Adressen der Selektion:" in text
    assert "Verantwortlich: Anna Arndt" in text
    assert (
        "Schlagwort „Messe 2027“ ergänzen" in text and "Schlagwort „Newsletter“ entfernen" in text
    )
    assert not Tag.objects.filter(name="Messe 2027").exists()  # nothing written yet
    done = c.post(url, {**data, "confirm": "1"}, follow=True)
    assert "3 Adressen geändert." in done.content.decode()
    assert tags_of(bonn["a"]) == ["Messe 2027"]
    history = c.get(f"/parties/{bonn['b'].pk}/").content.decode()
    assert f'href="/selections/{bonn["selection"].pk}/"' in history
    assert "Geändert für die Selektion „Bonner Kunden“" in history


def test_the_page_refuses_an_empty_change(client_for, bonn):
    c = client_for("editor")
    response = c.post(f"/selections/{bonn['selection'].pk}/change/", {"responsible": ""})
    assert response.status_code == 400
    assert "Bitte wählen Sie, was geändert werden soll." in response.content.decode()


def test_a_viewer_may_open_their_selection_but_not_change_its_parties(
    client_for, api_for, make_user, bonn
):
    from django.test import Client

    viewer = make_user("viewer", username="vera")
    own = do_save_selection(actor=viewer, name="Meine Bonner", filters={"city": "Bonn"})
    c = Client()
    c.force_login(viewer)
    detail = c.get(f"/selections/{own.pk}/")
    assert detail.status_code == 200 and "change-parties-link" not in detail.content.decode()
    assert c.post(f"/selections/{own.pk}/change/", {"add_tag": "X"}).status_code == 403
    api = api_for("viewer")
    api.force_authenticate(viewer)
    res = api.post(f"/api/v1/selections/{own.pk}/change-parties/", {"add_tags": ["X"]},
                   format="json")  # fmt: skip
    assert res.status_code == 403
    assert not Tag.objects.filter(name="X").exists()


def test_the_api_changes_the_parties_and_answers_how_many(api_for, bonn):
    api = api_for("editor")
    url = f"/api/v1/selections/{bonn['selection'].pk}/change-parties/"
    res = api.post(url, {"responsible": None, "add_tags": ["Messe 2027"]}, format="json")
    assert res.status_code == 200, res.content
    assert res.json() == {"changed": 3}
    assert not Party.objects.filter(city="Bonn", responsible__isnull=False).exists()
    assert api.post(url, {}, format="json").status_code == 400
    unknown = api.post(url, {"remove_tags": ["Gibt es nicht"]}, format="json")
    assert unknown.status_code == 400 and "remove_tags" in unknown.json()


def test_more_parties_than_the_limit_are_refused_before_any_is_changed(
    client_for, api_for, bonn, monkeypatch
):
    from verbund.parties import rules

    monkeypatch.setattr(rules, "CHANGE_MANY_LIMIT", 2)
    with pytest.raises(ValidationError) as refused:
        do_change_many(Party.objects.filter(city="Bonn"), actor=None, add_tags=["X"])
    assert (
        "3 Adressen sind zu viele für eine Änderung auf einmal (höchstens 2)"
        in (refused.value.messages[0])
    )
    # The page and the API change more in the background (test_change_runs), up to a bound.
    monkeypatch.setattr(rules, "CHANGE_MANY_BACKGROUND_LIMIT", 2)
    url = f"/selections/{bonn['selection'].pk}/change/"
    page = client_for("editor").post(url, {"add_tag": "X", "confirm": "1"})
    assert page.status_code == 400
    assert "bitte die Selektion eingrenzen" in page.content.decode()
    api = api_for("editor")
    res = api.post(f"/api/v1/selections/{bonn['selection'].pk}/change-parties/",
                   {"add_tags": ["X"]}, format="json")  # fmt: skip
    assert res.status_code == 400
    assert not Tag.objects.filter(name="X").exists()


def test_a_bad_tag_is_refused_before_the_confirmation_and_a_stored_one_shown_as_stored(
    client_for, bonn
):
    c = client_for("editor")
    url = f"/selections/{bonn['selection'].pk}/change/"
    bad = c.post(url, {"add_tag": "Messe, 2027"})
    assert bad.status_code == 400 and "kein Komma" in bad.content.decode()
    assert "change-confirm" not in bad.content.decode()
    asked = c.post(url, {"add_tag": "  newsletter "}).content.decode()
    assert "Schlagwort „Newsletter“ ergänzen" in asked


def test_renaming_or_merging_a_tag_carries_over_to_the_selections_filtering_by_it(
    client_for, org, make_user
):
    from verbund.parties.actions import do_rename_tag
    from verbund.selections import selectors

    org("Alpha GmbH", tags=["Mese 2026"])
    org("Beta AG", tags=["Messe 2026"])
    owner = make_user("editor", username="owner")
    saved = do_save_selection(actor=owner, name="Messe", filters={"tag": "Mese 2026"})
    other = do_save_selection(actor=owner, name="Andere", filters={"tag": "Messe 2026"})
    mese = Tag.objects.get(name="Mese 2026")
    do_rename_tag(mese, "Messe 2026 (alt)", actor=None)
    saved.refresh_from_db()
    assert saved.filters == {"tag": "Messe 2026 (alt)"}
    assert selectors.count(saved.filters) == 1
    do_rename_tag(Tag.objects.get(name="Messe 2026 (alt)"), "messe 2026", actor=None)
    saved.refresh_from_db()
    other.refresh_from_db()
    assert saved.filters == {"tag": "Messe 2026"} and selectors.count(saved.filters) == 2
    assert other.filters == {"tag": "Messe 2026"}
    assert (
        AuditRecord.objects.filter(action="selection.update", object_id=str(saved.pk)).count() == 2
    )
