"""The tags page and /api/v1/tags/: every tag with how many parties hold it; create, rename
(into another tag's name: merge), delete, each through parties.actions with the parties'
history, and each with the permission its API twin asks."""

import pytest

from verbund.core.models import AuditRecord
from verbund.parties.models import Party, Tag

pytestmark = pytest.mark.django_db


def tags_of(party: Party) -> list[str]:
    return sorted(party.tags.values_list("name", flat=True))


def another_spelling(name: str, *parties: Party) -> Tag:
    """A tag on these parties that is another one in all but a hyphen ("A Kunde" beside
    "A-Kunde"): renaming it to the other's name in any case merges them. (Spellings in another
    case only cannot be stored side by side any more: ``Tag.key``.)"""
    tag = Tag.objects.create(name=name)
    for party in parties:
        party.tags.add(tag)
    return tag


def test_the_page_lists_each_tag_with_its_parties_count_linked_to_the_list(client_for, org):
    org("Alpha GmbH", tags=["A-Kunde", "Messe 2026"])
    org("Beta AG", tags=["A-Kunde"])
    page = client_for("viewer").get("/tags/")
    assert page.status_code == 200
    rows = {t.name: t.held for t in page.context["tags"]}
    assert rows == {"A-Kunde": 2, "Messe 2026": 1}
    assert 'href="/parties/?tag=A-Kunde">2</a>' in page.content.decode()


def test_renaming_a_tag_keeps_its_parties_and_records_the_tag_once(client_for, org):
    alpha = org("Alpha GmbH", tags=["Mese 2026"])
    tag = Tag.objects.get(name="Mese 2026")
    c = client_for("editor")
    response = c.post(f"/tags/{tag.pk}/rename/", {"name": " Messe  2026 "})
    assert response.status_code == 302
    assert tags_of(alpha) == ["Messe 2026"]
    record = AuditRecord.objects.get(action="tag.rename")
    assert record.before == {"name": "Mese 2026"} and record.after == {"name": "Messe 2026"}


def test_renaming_into_another_tags_name_merges_them_with_each_partys_history(client_for, org):
    alpha = org("Alpha GmbH", tags=["Newsletter"])
    beta = org("Beta AG", tags=["A-Kunde"])
    duplicate = another_spelling("A Kunde", alpha, beta)
    # An editor may rename but not delete tags; a merge deletes one.
    assert (
        client_for("editor").post(f"/tags/{duplicate.pk}/rename/", {"name": "A-KUNDE"}).status_code
        == 403
    )
    response = client_for("steward").post(f"/tags/{duplicate.pk}/rename/", {"name": "A-KUNDE"})
    assert response.status_code == 302
    assert tags_of(alpha) == ["A-Kunde", "Newsletter"] and tags_of(beta) == ["A-Kunde"]
    assert not Tag.objects.filter(pk=duplicate.pk).exists()
    history = AuditRecord.objects.get(party_id=alpha.pk, object_type="parties.tag")
    assert history.before == {"tags": ["A Kunde", "Newsletter"]}
    assert history.after == {"tags": ["A-Kunde", "Newsletter"]}
    assert "zusammengeführt" in history.note


def test_deleting_a_tag_asks_how_many_lose_it_then_takes_it_off_each_with_history(client_for, org):
    alpha = org("Alpha GmbH", tags=["Alt", "Neu"])
    org("Beta AG", tags=["Alt"])
    tag = Tag.objects.get(name="Alt")
    c = client_for("steward")
    ask = c.get(f"/tags/{tag.pk}/delete/").content.decode()
    assert "2 Adressen tragen dieses Schlagwort und verlieren es" in ask
    done = c.post(f"/tags/{tag.pk}/delete/", follow=True).content.decode()
    assert "Schlagwort „Alt“ gelöscht; 2 Adressen trugen es." in done
    assert tags_of(alpha) == ["Neu"] and not Tag.objects.filter(name="Alt").exists()
    assert AuditRecord.objects.filter(action="party.update", object_type="parties.tag").count() == 2
    assert client_for("editor").post(f"/tags/{Tag.objects.get().pk}/delete/").status_code == 403


def test_a_bad_or_taken_name_is_shown_at_its_tag_and_nothing_changes(client_for, org):
    org("Alpha GmbH", tags=["A-Kunde"])
    tag = Tag.objects.get()
    c = client_for("editor")
    bad = c.post(f"/tags/{tag.pk}/rename/", {"name": "A, B"})
    assert bad.status_code == 400 and "kein Komma" in bad.content.decode()
    taken = c.post("/tags/", {"name": "a-kunde"})
    assert taken.status_code == 400 and "Dieses Schlagwort gibt es schon." in taken.content.decode()
    assert list(Tag.objects.values_list("name", flat=True)) == ["A-Kunde"]


def test_a_viewer_sees_the_tags_but_cannot_create_rename_or_delete(client_for, org):
    org("Alpha GmbH", tags=["A-Kunde"])
    tag = Tag.objects.get()
    c = client_for("viewer")
    page = c.get("/tags/").content.decode()
    assert "tag-rename" not in page and 'data-testid="tag-new"' not in page
    assert c.post("/tags/", {"name": "X"}).status_code == 403
    assert c.post(f"/tags/{tag.pk}/rename/", {"name": "X"}).status_code == 403
    assert c.post(f"/tags/{tag.pk}/delete/").status_code == 403


def test_the_api_lists_creates_renames_merges_and_deletes_tags(api_for, org):
    alpha = org("Alpha GmbH", tags=["Newsletter"])
    org("Beta AG", tags=["A-Kunde"])
    another_spelling("A Kunde", alpha)
    editor, steward = api_for("editor"), api_for("steward")
    listed = editor.get("/api/v1/tags/").json()["results"]
    assert [(t["name"], t["parties"]) for t in listed] == [
        ("Newsletter", 1), ("A-Kunde", 1), ("A Kunde", 1),
    ]  # fmt: skip
    created = editor.post("/api/v1/tags/", {"name": "Messe 2027"}, format="json")
    assert created.status_code == 201 and created.json()["parties"] == 0
    assert editor.post("/api/v1/tags/", {"name": "messe 2027"}, format="json").status_code == 400
    small = Tag.objects.get(name="A Kunde")
    url = f"/api/v1/tags/{small.pk}/"
    assert editor.patch(url, {"name": "A-Kunde"}, format="json").status_code == 403
    merged = steward.patch(url, {"name": "A-Kunde"}, format="json")
    assert merged.status_code == 200
    assert merged.json()["name"] == "A-Kunde" and merged.json()["parties"] == 2
    assert tags_of(alpha) == ["A-Kunde", "Newsletter"]
    newsletter = Tag.objects.get(name="Newsletter")
    assert editor.delete(f"/api/v1/tags/{newsletter.pk}/").status_code == 403
    assert steward.delete(f"/api/v1/tags/{newsletter.pk}/").status_code == 204
    assert tags_of(alpha) == ["A-Kunde"]


def test_the_counts_leave_out_merged_records_as_the_list_does(client_for, api_for, org):
    from verbund.parties.actions import do_mark_merged

    kept = org("Alpha GmbH", tags=["X"])
    gone = org("Alpha GmbH alt", tags=["X"])
    do_mark_merged(gone, kept, actor=None)
    page = client_for("viewer").get("/tags/")
    assert {t.name: t.held for t in page.context["tags"]} == {"X": 1}
    assert api_for("viewer").get("/api/v1/tags/").json()["results"][0]["parties"] == 1
    done = client_for("steward").post(f"/tags/{Tag.objects.get().pk}/delete/", follow=True)
    assert "1 Adresse trug es." in done.content.decode()


def test_the_list_finds_a_tag_whatever_its_case(client_for, api_for, org):
    org("Alpha GmbH", tags=["A-Kunde"])
    org("Beta AG")
    listed = client_for("viewer").get("/parties/", {"tag": "a-KUNDE"})
    assert [p.name for p in listed.context["page"].rows] == ["Alpha GmbH"]
    assert '<option value="A-Kunde" selected>' in listed.content.decode()
    res = api_for("viewer").get("/api/v1/parties/", {"tag": "a-kunde"})
    assert [p["name"] for p in res.json()["results"]] == ["Alpha GmbH"]


def test_a_tag_created_on_the_form_is_recorded(client_for, org):
    from verbund.core.models import AuditRecord as Record

    party = org("Alpha GmbH", tags=["Messe 2027"])
    assert Record.objects.filter(action="tag.create", object_id=str(Tag.objects.get().pk)).exists()
    assert party.tags.count() == 1
