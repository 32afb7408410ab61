"""Correcting a stored link (dates, share, note) and reopening an ended one: the actions and
their rules, the pages on the file and the full list, the API's twin, the command. A reopened
link meets every rule anew: while it was ended, the same link, another parent or a link it
would close into a cycle may have been stored."""

import datetime as dt
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from verbund.core.audit import action_label
from verbund.core.errors import Conflict
from verbund.core.models import AuditRecord
from verbund.hierarchies import rules as hierarchy_rules
from verbund.hierarchies.selectors import ultimate_parent
from verbund.relationships import rules
from verbund.relationships.actions import (
    do_create_relationship,
    do_end_relationship,
    do_reopen_relationship,
    do_update_relationship,
)
from verbund.relationships.models import Relationship
from verbund.relationships.tests.test_relationships_api import URL

pytestmark = pytest.mark.django_db

NEW_YEAR = dt.date(2025, 1, 1)


def text(response: Any) -> str:
    return response.content.decode().replace("&quot;", '"').replace("&#x27;", "'")


def link(child: Any, parent: Any, type: str = "group", **values: Any) -> Relationship:
    return do_create_relationship(
        actor=None, type=type, from_party=child, to_party=parent, **values
    )


@pytest.fixture
def ended_supplier(org: Any) -> Relationship:
    return link(
        org("Adler Werk GmbH"),
        org("Adler Handel KG"),
        type="supplier",
        valid_from="2020-01-01",
        valid_to="2024-12-31",
    )


@pytest.fixture
def cycle_on_reopen(org: Any) -> dict[str, Any]:
    """Holding > Mitte > Süd; Mitte's link to the holding ended 2024; since 2025 the holding
    is a subsidiary of Süd. Reopening Mitte's link would close Holding → Süd → Mitte → Holding."""
    p = {
        "holding": org("Kranich Holding AG"),
        "mitte": org("Kranich Mitte GmbH"),
        "sued": org("Kranich Süd GmbH"),
    }
    p["up"] = link(p["mitte"], p["holding"], valid_from="2015-01-01")
    link(p["sued"], p["mitte"], valid_from="2015-01-01")
    do_end_relationship(p["up"], actor=None, valid_to="2024-12-31")
    link(p["holding"], p["sued"], valid_from="2025-01-01")
    return p


# --- the actions and their rules -------------------------------------------------------------


def test_correcting_a_link_changes_its_dates_and_share_with_a_german_history(group, make_user):
    editor = make_user("editor", username="korrektor")
    rel = Relationship.objects.get(from_party=group["sued"])
    do_update_relationship(
        rel, actor=editor, valid_from="2019-04-01", valid_to="2030-06-30", share="75.5"
    )
    rel.refresh_from_db()
    assert (rel.valid_from, rel.valid_to, rel.share) == (
        dt.date(2019, 4, 1),
        dt.date(2030, 6, 30),
        75.5,
    )
    records = AuditRecord.objects.filter(action="relationship.update", object_id=str(rel.pk))
    # One record on each party's history, by the editor, with the old and the new values.
    assert {r.party_id for r in records} == {group["sued"].pk, group["handel"].pk}
    assert all(r.actor == editor for r in records)
    assert records[0].before["share"] in ("100", "100.0000") and records[0].after["share"] in (
        "75.5",
        "75.5000",
    )
    assert action_label("relationship.update") == "Beziehung geändert"


def test_reopening_clears_the_end_and_is_recorded_as_reopened(ended_supplier):
    reopened = do_reopen_relationship(ended_supplier, actor=None, note="Vertrag verlängert")
    assert reopened.valid_to is None
    assert Relationship.objects.get(pk=ended_supplier.pk).valid_to is None
    record = AuditRecord.objects.filter(action="relationship.reopen").first()
    assert record is not None and record.note == "Vertrag verlängert"
    assert record.before["valid_to"] == "2024-12-31" and record.after["valid_to"] is None
    assert action_label("relationship.reopen") == "Beziehung wieder geöffnet"


def test_reopening_a_link_without_an_end_is_refused_by_its_stored_state(org):
    rel = link(org("A GmbH"), org("B GmbH"), type="supplier")
    with pytest.raises(Conflict) as refused:
        do_reopen_relationship(rel, actor=None)
    assert refused.value.message_dict == {"valid_to": [rules.not_ended()]}
    assert not AuditRecord.objects.filter(action="relationship.reopen").exists()


def test_reopening_is_refused_when_a_link_stored_since_would_close_a_cycle(cycle_on_reopen):
    p = cycle_on_reopen
    with pytest.raises(Conflict) as refused:
        do_reopen_relationship(p["up"], actor=None)
    (message,) = refused.value.message_dict["to_party"]
    # The hierarchy's own rule and words, naming the day the cycle would start and its path.
    assert message.startswith(hierarchy_rules.cycle(dt.date(2025, 1, 1), []).split(":")[0])
    for name in ("Kranich Holding AG", "Kranich Mitte GmbH", "Kranich Süd GmbH"):
        assert name in message
    assert Relationship.objects.get(pk=p["up"].pk).valid_to == dt.date(2024, 12, 31)


def test_reopening_is_refused_when_the_child_got_another_parent_since(group, org):
    rel = Relationship.objects.get(from_party=group["nord"])
    do_end_relationship(rel, actor=None, valid_to="2024-12-31")
    link(group["nord"], group["logistik"], valid_from="2025-01-01")
    with pytest.raises(Conflict) as refused:
        do_reopen_relationship(rel, actor=None)
    assert "Müller Logistik GmbH" in refused.value.message_dict["to_party"][0]


@pytest.mark.parametrize(
    ("since", "field", "message"),
    [
        ({"valid_from": "2025-01-01"}, "to_party", lambda: rules.same_link_open(NEW_YEAR)),
        (
            {"valid_from": "2025-01-01", "valid_to": "2025-06-30"},
            "valid_from",
            lambda: rules.same_link_overlap(NEW_YEAR, dt.date(2025, 6, 30)),
        ),
    ],
    ids=["open again", "overlapping"],
)
def test_reopening_is_refused_when_the_same_link_was_stored_again_since(
    ended_supplier, since, field, message
):
    link(ended_supplier.from_party, ended_supplier.to_party, type="supplier", **since)
    with pytest.raises(Conflict) as refused:
        do_reopen_relationship(ended_supplier, actor=None)
    assert refused.value.message_dict == {field: [message()]}


def test_a_reopened_hierarchy_link_puts_the_child_back_under_its_parent(group):
    rel = Relationship.objects.get(from_party=group["sued"])
    do_end_relationship(rel, actor=None, valid_to="2024-12-31")
    assert ultimate_parent(group["sued"].pk, "group") == group["sued"].pk
    do_reopen_relationship(rel, actor=None)
    assert ultimate_parent(group["sued"].pk, "group") == group["holding"].pk


# --- the pages -------------------------------------------------------------------------------


def test_the_file_offers_correct_end_and_reopen_only_to_who_may_change_links(
    client_for, group, ended_supplier
):
    rel = Relationship.objects.get(from_party=group["sued"])
    do_end_relationship(rel, actor=None, valid_to="2024-12-31")
    open_rel = Relationship.objects.get(from_party=group["nord"])
    url = reverse("party-detail", args=[group["handel"].pk])
    page = text(client_for("editor").get(url))
    assert f'data-testid="correct-{rel.pk}"' in page and f'data-testid="reopen-{rel.pk}"' in page
    assert f'data-testid="correct-{open_rel.pk}"' in page
    assert f'data-testid="end-{open_rel.pk}"' in page
    assert f'data-testid="reopen-{open_rel.pk}"' not in page
    # A link that ends later is corrected, not reopened.
    later = Relationship.objects.get(from_party=group["handel"])
    do_end_relationship(later, actor=None, valid_to=dt.date.today() + dt.timedelta(days=30))
    page = text(client_for("editor").get(url))
    assert f'data-testid="correct-{later.pk}"' in page
    assert f'data-testid="reopen-{later.pk}"' not in page
    assert ">Korrigieren<" in page and ">Wieder öffnen<" in page
    viewer = text(client_for("viewer").get(url))
    assert reverse("relationship-correct", args=[rel.pk]) not in viewer
    assert "correct-" not in viewer and "reopen-" not in viewer


def test_the_full_list_offers_the_same_and_leads_back_to_it(client_for, group):
    rel = Relationship.objects.get(from_party=group["sued"])
    url = reverse("party-relationships", args=[group["handel"].pk, "group"])
    page = text(client_for("editor").get(url))
    assert f'data-testid="correct-{rel.pk}"' in page and "back=list" in page
    assert "correct-" not in text(client_for("viewer").get(url))
    response = client_for("editor").post(
        reverse("relationship-correct", args=[rel.pk]),
        {"party": group["handel"].pk, "back": "list", "valid_from": "01.02.2021", "share": "60"},
    )
    assert response.status_code == 302 and response["Location"] == url


def test_the_correct_form_saves_german_dates_and_a_share_with_a_comma(client_for, group):
    rel = Relationship.objects.get(from_party=group["sued"])
    c = client_for("editor")
    form = text(c.get(reverse("relationship-correct", args=[rel.pk]), HTTP_HX_REQUEST="true"))
    # The stored values, as a German reader types them (100, not 100,0000).
    assert re.search(r'name="share"[^>]*value="100"', form)
    response = c.post(
        reverse("relationship-correct", args=[rel.pk]),
        {
            "party": group["handel"].pk,
            "valid_from": "01.04.2019",
            "valid_to": "30.06.2030",
            "share": "51,5",
            "note": "laut Handelsregister",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("party-detail", args=[group["handel"].pk])
    rel.refresh_from_db()
    assert (rel.valid_from, rel.valid_to, str(rel.share), rel.note) == (
        dt.date(2019, 4, 1),
        dt.date(2030, 6, 30),
        "51.5000",
        "laut Handelsregister",
    )


def test_a_type_without_a_share_offers_no_share_field(client_for, ended_supplier):
    form = text(
        client_for("editor").get(
            reverse("relationship-correct", args=[ended_supplier.pk]), HTTP_HX_REQUEST="true"
        )
    )
    assert 'name="valid_to"' in form and 'name="share"' not in form


@pytest.mark.parametrize(
    ("api_body", "form_body"),
    [
        ({"share": "150"}, {"share": "150"}),
        ({"share": "0"}, {"share": "0"}),
        ({"valid_to": "2010-01-01"}, {"valid_to": "01.01.2010"}),
    ],
)
def test_the_form_and_the_api_refuse_a_bad_correction_in_the_same_words(
    client_for, editor, group, api_body, form_body
):
    rel = Relationship.objects.get(from_party=group["sued"])
    do_update_relationship(rel, actor=None, valid_from="2015-01-01")
    api = editor.patch(f"{URL}{rel.pk}/", api_body, format="json")
    assert api.status_code == 400, api.content
    form = client_for("editor").post(
        reverse("relationship-correct", args=[rel.pk]),
        {"party": group["handel"].pk, "valid_from": "01.01.2015", "share": "100", **form_body},
    )
    assert form.status_code == 400
    (field,) = api_body
    assert form.context["form"].errors[field] == api.json()[field]
    rel.refresh_from_db()
    assert rel.valid_to is None and str(rel.share) == "100.0000"


@pytest.mark.parametrize("case", ["cycle", "same link"])
def test_the_form_and_the_api_refuse_a_conflicting_correction_in_the_same_words(
    client_for, editor, cycle_on_reopen, ended_supplier, case
):
    # Clearing the end in the form is a reopening too: the same rules, the same words.
    rel = cycle_on_reopen["up"] if case == "cycle" else ended_supplier
    if case == "same link":
        link(rel.from_party, rel.to_party, type="supplier", valid_from="2025-01-01")
    api = editor.patch(f"{URL}{rel.pk}/", {"valid_to": None}, format="json")
    assert api.status_code == 409, api.content
    form = client_for("editor").post(
        reverse("relationship-correct", args=[rel.pk]),
        {"valid_from": rel.valid_from.isoformat(), "valid_to": ""},
    )
    assert form.status_code == 400
    assert form.context["form"].non_field_errors() == api.json()["to_party"]


def test_a_date_that_is_no_date_is_named_at_its_field(client_for, group):
    rel = Relationship.objects.get(from_party=group["sued"])
    response = client_for("editor").post(
        reverse("relationship-correct", args=[rel.pk]),
        {"valid_to": "31.02.2026", "party": "²"},
    )
    assert response.status_code == 400
    assert "Gültig bis" in " ".join(response.context["form"].errors["valid_to"])


def test_a_note_longer_than_the_api_takes_is_refused_by_the_form_too(client_for, group):
    rel = Relationship.objects.get(from_party=group["sued"])
    response = client_for("editor").post(
        reverse("relationship-correct", args=[rel.pk]), {"note": "x" * 2001}
    )
    assert response.status_code == 400
    assert "note" in response.context["form"].errors
    rel.refresh_from_db()
    assert rel.note != "x" * 2001


def test_the_reopen_page_asks_first_then_reopens(client_for, ended_supplier):
    c = client_for("editor")
    url = reverse("relationship-reopen", args=[ended_supplier.pk])
    ask = text(c.get(url, HTTP_HX_REQUEST="true"))
    assert "31.12.2024" in ask and 'data-testid="reopen-confirm"' in ask
    assert Relationship.objects.get(pk=ended_supplier.pk).valid_to is not None
    response = c.post(url, {"party": ended_supplier.to_party_id}, HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("party-detail", args=[ended_supplier.to_party_id])
    assert Relationship.objects.get(pk=ended_supplier.pk).valid_to is None
    # Open now: nothing to reopen, said before and after a confirmation.
    again = text(c.get(url, HTTP_HX_REQUEST="true"))
    assert rules.not_ended() in again and "reopen-confirm" not in again


def test_a_refused_reopening_shows_the_rules_message(client_for, cycle_on_reopen):
    rel = cycle_on_reopen["up"]
    with pytest.raises(Conflict) as refused:
        do_reopen_relationship(rel, actor=None)
    response = client_for("editor").post(reverse("relationship-reopen", args=[rel.pk]))
    assert response.status_code == 400
    assert refused.value.messages[0] in text(response)
    assert 'data-testid="reopen-errors"' in text(response)


@pytest.mark.parametrize("name", ["relationship-correct", "relationship-reopen"])
def test_who_may_not_change_links_is_refused_as_by_the_api(
    client_for, editor, api_for, ended_supplier, name
):
    url = reverse(name, args=[ended_supplier.pk])
    assert client_for("viewer").get(url).status_code == 403
    assert client_for("viewer").post(url, {"valid_to": ""}).status_code == 403
    assert api_for("viewer").post(f"{URL}{ended_supplier.pk}/reopen/").status_code == 403
    assert Relationship.objects.get(pk=ended_supplier.pk).valid_to == dt.date(2024, 12, 31)


# --- the API and the command -----------------------------------------------------------------


def test_the_api_reopens_a_link(editor, ended_supplier):
    response = editor.post(
        f"{URL}{ended_supplier.pk}/reopen/", {"note": "verlängert"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["valid_to"] is None
    assert AuditRecord.objects.filter(action="relationship.reopen", note="verlängert").exists()


def test_the_api_refuses_a_reopening_with_409_as_the_action_does(editor, cycle_on_reopen, org):
    from verbund.core.testing import assert_409_as_the_action_refuses

    rel = cycle_on_reopen["up"]
    assert_409_as_the_action_refuses(
        editor.post(f"{URL}{rel.pk}/reopen/", {}, format="json"),
        lambda: do_reopen_relationship(rel, actor=None),
    )
    still_open = link(org("X GmbH"), org("Y GmbH"), type="supplier")
    assert_409_as_the_action_refuses(
        editor.post(f"{URL}{still_open.pk}/reopen/", {}, format="json"),
        lambda: do_reopen_relationship(still_open, actor=None),
    )
    unknown = editor.post(f"{URL}{rel.pk}/reopen/", {"valid_to": None}, format="json")
    assert unknown.status_code == 400 and "valid_to" in unknown.json()


def test_the_command_reopens_a_link(ended_supplier, capsys):
    call_command("relationship", "reopen", str(ended_supplier.pk))
    assert capsys.readouterr().out.strip() == str(ended_supplier.pk)
    assert Relationship.objects.get(pk=ended_supplier.pk).valid_to is None
