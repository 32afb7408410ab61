import pytest
from django.test import Client

from verbund.parties.models import Party
from verbund.quality.models import DedupeRun, MergeRecord, NotDuplicate


def client_for(make_user, role):
    c = Client()
    c.force_login(make_user(role))
    return c


def test_the_similar_fragment_lists_matches_as_the_user_types(org, make_user):
    org("Müller Bau GmbH")
    resp = client_for(make_user, "editor").get(
        "/quality/similar/", {"name": "Mueller Bau", "postcode": "50667"}
    )
    assert resp.status_code == 200
    assert "Müller Bau GmbH" in resp.content.decode()
    assert client_for(make_user, None).get("/quality/similar/", {"name": "x"}).status_code == 403


def test_the_steward_compares_side_by_side_and_merges_with_chosen_values(org, make_user):
    a = org("Müller Bau GmbH", phone="")
    b = org("Mueller Bau GmbH", phone="0221 1234")
    c = client_for(make_user, "steward")
    page = c.get(f"/quality/compare/{a.pk}/{b.pk}/")
    assert page.status_code == 200 and "field_phone" in page.content.decode()
    choice = {"survivor": "a", "field_phone": "b", "field_name": "a"}
    plan = c.post(f"/quality/compare/{a.pk}/{b.pk}/merge/", choice)
    assert plan.status_code == 200 and "confirm-merge" in plan.content.decode()
    assert not MergeRecord.objects.exists()
    resp = c.post(f"/quality/compare/{a.pk}/{b.pk}/merge/", {**choice, "confirm": "1"})
    record = MergeRecord.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/quality/merges/{record.pk}/"
    assert Party.objects.get(pk=a.pk).phone == "0221 1234"
    assert Party.objects.get(pk=b.pk).merged_into_id == a.pk
    assert c.get(f"/quality/merges/{record.pk}/").status_code == 200
    c.post(f"/quality/merges/{record.pk}/undo/")
    assert Party.objects.get(pk=b.pk).merged_into_id is None


def test_not_a_duplicate_from_the_ui_is_remembered(org, make_user):
    a, b = org("Müller Bau GmbH"), org("Müller Bau GmbH", street="Ring 2")
    client_for(make_user, "steward").post(
        f"/quality/compare/{a.pk}/{b.pk}/not-duplicate/", {"note": "Filialen"}
    )
    assert NotDuplicate.objects.filter(note="Filialen").exists()


def test_an_editor_sees_the_queue_but_cannot_merge(org, make_user):
    a, b = org("A GmbH"), org("A GmbH", street="x")
    c = client_for(make_user, "editor")
    assert c.get("/quality/").status_code == 200
    assert c.post(f"/quality/compare/{a.pk}/{b.pk}/merge/", {"survivor": "a"}).status_code == 403


def test_a_run_can_be_started_from_the_queue(org, make_user, settings):
    org("Müller Bau GmbH", street="Hauptstraße 5")
    org("Mueller Bau GmbH", street="Hauptstr. 5")
    c = client_for(make_user, "steward")
    assert c.post("/quality/runs/", {"kind": "organisation", "threshold": "0.9"}).status_code == 302
    page = c.get("/quality/").content.decode()
    assert "Mueller Bau GmbH" in page
    # The run's line says in words what it did.
    assert "Datensätze: 2" in page and "neu in der Prüfliste: 1" in page
    assert 'name="threshold" value="0,75"' in page


def test_the_side_by_side_view_scores_a_switchboard_number_as_the_run_did(org, make_user):
    from verbund.quality.models import DuplicateCandidate

    a = org("Autohaus Krause Nord", street="Ring 1", phone="0221 999")
    b = org("Autohaus Krause Süd", street="Ring 2", phone="0221 999")
    c = client_for(make_user, "steward")
    levels = {
        e.field: e.level
        for e in c.get(f"/quality/compare/{a.pk}/{b.pk}/").context["result"].evidence
    }
    assert levels["phone"] == "same"
    lo, hi = sorted((a.pk, b.pk))
    DuplicateCandidate.objects.create(
        party_a_id=lo,
        party_b_id=hi,
        score=0.5,
        evidence=[{"field": "phone", "level": "switchboard", "weight": 1.0}],
    )
    page = c.get(f"/quality/compare/{a.pk}/{b.pk}/")
    assert {e.field: e.level for e in page.context["result"].evidence}["phone"] == "switchboard"


def test_the_side_by_side_view_scores_a_shared_mailbox_as_the_run_did(org, make_user):
    from verbund.quality.models import DuplicateCandidate

    a = org("Agricon Logistik GmbH", street="Ring 1", email="info@agricon.de")
    b = org("Agricon Leasing GmbH", street="Ring 2", email="info@agricon.de")
    c = client_for(make_user, "steward")
    url = f"/quality/compare/{a.pk}/{b.pk}/"
    assert {e.field: e.level for e in c.get(url).context["result"].evidence}["email"] == "same"
    lo, hi = sorted((a.pk, b.pk))
    DuplicateCandidate.objects.create(
        party_a_id=lo,
        party_b_id=hi,
        score=0.5,
        evidence=[{"field": "email", "level": "shared", "weight": 1.0}],
    )
    levels = {e.field: e.level for e in c.get(url).context["result"].evidence}
    assert levels["email"] == "shared" and levels.get("phone") != "switchboard"


def test_starting_a_run_opens_its_page_which_polls_until_the_run_is_done(org, make_user):
    c = client_for(make_user, "steward")
    response = c.post("/quality/runs/", {"kind": "organisation", "threshold": "0.9"})
    run = DedupeRun.objects.get()
    assert response["Location"] == f"/quality/runs/{run.pk}/"
    DedupeRun.objects.filter(pk=run.pk).update(status="running")
    running = c.get(f"/quality/runs/{run.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 2s"' in running
    DedupeRun.objects.filter(pk=run.pk).update(status="done", stats={"records": 3, "pairs": 1})
    done = c.get(f"/quality/runs/{run.pk}/").content.decode()
    assert "hx-trigger" not in done and 'data-testid="run-stats"' in done


def test_the_threshold_reads_with_the_decimal_sign_of_the_page_language(make_user):
    """Not a number input: a browser shows that in its own locale ("0.75" on a German page)."""
    c = client_for(make_user, "steward")
    german = c.get("/quality/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    english = c.get("/quality/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="threshold" value="0,75"' in german and 'inputmode="decimal"' in german
    assert 'name="threshold" value="0.75"' in english
    assert 'type="number" name="threshold"' not in german


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("typed", ["0,8", "0.8", " 0,80 "])
def test_a_threshold_typed_with_a_comma_or_a_point_starts_the_same_run(make_user, language, typed):
    c = client_for(make_user, "steward")
    response = c.post(
        "/quality/runs/",
        {"kind": "organisation", "threshold": typed},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 302
    assert DedupeRun.objects.get().threshold == 0.8


def test_a_threshold_outside_the_rule_is_refused_with_the_rules_message(make_user):
    from verbund.quality.rules import threshold_error

    c = client_for(make_user, "steward")
    c.post("/quality/runs/", {"kind": "organisation", "threshold": "1,5"})
    page = c.get("/quality/")
    assert [str(m) for m in page.context["messages"]] == [threshold_error(1.5)]
    assert not DedupeRun.objects.exists()


def test_a_threshold_that_is_no_number_is_refused_naming_the_field_in_german(make_user):
    c = client_for(make_user, "steward")
    c.post("/quality/runs/", {"kind": "organisation", "threshold": "hoch"})
    page = c.get("/quality/")
    assert [str(m) for m in page.context["messages"]] == [
        "Schwellenwert: „hoch“ ist keine Zahl (zum Beispiel 0,75)."
    ]
    assert not DedupeRun.objects.exists()


def test_an_editor_compares_without_merge_controls_and_is_told_who_merges(org, make_user):
    a, b = org("Müller Bau GmbH"), org("Müller Bau GmbH", street="Ring 2")
    page = (
        client_for(make_user, "editor")
        .get(f"/quality/compare/{a.pk}/{b.pk}/", HTTP_ACCEPT_LANGUAGE="de")
        .content.decode()
    )
    assert 'type="radio"' not in page and 'name="note"' not in page
    assert 'data-testid="merge-by-stewards"' in page and "Datenpfleger" in page
    assert "Ring 2" in page  # the comparison itself is still shown
    steward = client_for(make_user, "steward").get(f"/quality/compare/{a.pk}/{b.pk}/")
    assert 'type="radio"' in steward.content.decode()


def test_an_empty_queue_says_how_to_fill_it_and_a_runs_candidates_show_whatever_their_status(
    org, make_user
):
    from verbund.quality.actions import (
        do_create_run,
        do_finish_run,
        do_mark_not_duplicate,
        do_record_candidates,
    )

    steward = client_for(make_user, "steward")
    page = steward.get("/quality/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "„Dubletten suchen“ vergleicht die Datensätze" in page
    a, b = org("Meyer Optik KG"), org("Meier Optik KG", street="Ring 2")
    run = do_create_run(actor=None)
    do_record_candidates(
        [{"a": a.pk, "b": b.pk, "probability": 0.9, "points": 8.0, "cluster": 1}],
        actor=None,
        run=run,
    )
    do_mark_not_duplicate(a, b, actor=None)
    do_finish_run(run, status="done", stats={"records": 2, "pairs": 1, "created": 1})
    run_page = steward.get(f"/quality/runs/{run.pk}/").content.decode()
    link = f"/quality/?run={run.pk}&amp;status="
    assert link in run_page
    listed = steward.get(link.replace("&amp;", "&")).content.decode()
    assert "Meyer Optik KG" in listed
