"""A "Change all…" above the limit a user waits for runs in the background (decision 0066): the
confirmation starts a run, its page shows the progress and then the result, the API answers
202 with the run and a status URL; all or nothing, one run per selection at a time. The
limits are set low here (parties.rules), not by creating 10,001 parties."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from verbund.core.models import AuditRecord
from verbund.parties import actions as party_actions
from verbund.parties import rules as party_rules
from verbund.parties.actions import KEEP, do_change_many
from verbund.parties.models import Party, Tag
from verbund.selections import actions, runs
from verbund.selections.actions import do_save_selection
from verbund.selections.models import ChangeRun, ChangeRunStatus
from verbund.selections.tasks import change_parties_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def bonn(org: Any, make_user: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Three customers in Bonn (one tagged "Newsletter") and one in Köln, a selection of the
    Bonn ones shared with editors, and limits so low that Bonn changes in the background."""
    monkeypatch.setattr(party_rules, "CHANGE_MANY_LIMIT", 2)
    monkeypatch.setattr(party_rules, "CHANGE_MANY_BACKGROUND_LIMIT", 5)
    anna = make_user("editor", username="anna", first_name="Anna", last_name="Arndt")
    owner = make_user("editor", username="owner")
    parties = {
        "a": org("Alpha GmbH", city="Bonn", tags=["Newsletter"]),
        "b": org("Beta AG", city="Bonn"),
        "c": org("Gamma KG", city="Bonn"),
        "koeln": org("Köln KG", city="Köln", tags=["Newsletter"]),
    }
    selection = do_save_selection(actor=owner, name="Bonner Kunden", filters={"city": "Bonn"},
                                  shared_with="editor")  # fmt: skip
    return {"anna": anna, "owner": owner, "selection": selection, **parties}


def tags_of(party: Party) -> list[str]:
    return sorted(party.tags.values_list("name", flat=True))


def open_run(bonn: dict[str, Any]) -> ChangeRun:
    return ChangeRun.objects.create(
        selection=bonn["selection"], selection_name="Bonner Kunden", filters={"city": "Bonn"},
        changes={"add_tags": ["X"]}, created_by=bonn["owner"], status=ChangeRunStatus.RUNNING,
        total=3,
    )  # fmt: skip


def test_the_action_reports_its_progress_after_each_step(bonn, monkeypatch):
    monkeypatch.setattr(party_actions, "CHANGE_STEP", 2)
    told: list[tuple[int, int]] = []
    changed = do_change_many(
        Party.objects.filter(city="Bonn"), actor=None, add_tags=["X"], background=True,
        progress=lambda d, t: told.append((d, t)),
    )  # fmt: skip
    assert changed == 3
    assert told == [(0, 3), (2, 3), (3, 3)]


def test_above_the_limit_the_action_starts_a_run_that_changes_every_party_once(bonn):
    run = actions.do_change_or_start(
        bonn["selection"], actor=bonn["owner"], responsible=bonn["anna"], add_tags=["messe"],
        remove_tags=[Tag.objects.get(name="Newsletter")],
    )  # fmt: skip
    assert isinstance(run, ChangeRun)
    assert (run.status, run.total, run.done, run.changed) == ("done", 3, 3, 3)
    assert run.created_by == bonn["owner"] and run.selection == bonn["selection"]
    assert run.changes == {"responsible": bonn["anna"].pk, "add_tags": ["messe"],
                           "remove_tags": ["Newsletter"]}  # fmt: skip
    for key in ("a", "b", "c"):
        party = Party.objects.get(pk=bonn[key].pk)
        assert party.responsible == bonn["anna"] and tags_of(party) == ["messe"]
    assert tags_of(bonn["koeln"]) == ["Newsletter"]
    records = AuditRecord.objects.filter(action="party.update")
    assert sorted(r.party_id for r in records) == sorted(bonn[k].pk for k in "abc")
    assert {(r.object_type, r.object_id) for r in records} == {
        ("selections.selection", str(bonn["selection"].pk))
    }
    assert {r.note for r in records} == {"Geändert für die Selektion „Bonner Kunden“"}
    assert AuditRecord.objects.filter(action="selection.change_run_done").count() == 1
    assert not runs.progress_path(run).exists()


def test_up_to_the_limit_the_action_changes_at_once_without_a_run(bonn, monkeypatch):
    monkeypatch.setattr(party_rules, "CHANGE_MANY_LIMIT", 3)
    changed = actions.do_change_or_start(bonn["selection"], actor=None, add_tags=["X"])
    assert changed == 3 and not ChangeRun.objects.exists()


def test_a_run_failing_half_way_changes_nothing_and_says_why(bonn, monkeypatch):
    monkeypatch.setattr(party_actions, "CHANGE_STEP", 1)
    real = runs.write_progress

    def break_after_two(run: ChangeRun, done: int, total: int) -> None:
        real(run, done, total)
        if done == 2:
            raise RuntimeError("disk full")

    monkeypatch.setattr(runs, "write_progress", break_after_two)
    run = actions.do_start_change_run(bonn["selection"], actor=bonn["owner"],
                                      responsible=bonn["anna"], add_tags=["Messe"])  # fmt: skip
    assert run.status == "failed" and run.error == "RuntimeError: disk full"
    assert (run.done, run.total, run.changed) == (2, 3, 0)
    assert not Party.objects.filter(responsible=bonn["anna"]).exists()
    assert not Tag.objects.filter(name="Messe").exists()
    assert not AuditRecord.objects.filter(action="party.update").exists()
    assert not runs.progress_path(run).exists()


def test_a_refusal_found_by_the_run_fails_it_with_the_message(bonn):
    run = open_run(bonn)
    run.status, run.changes = ChangeRunStatus.QUEUED, {"remove_tags": ["Newsletter"]}
    run.save()
    Tag.objects.filter(name="Newsletter").delete()  # deleted between the start and the run
    change_parties_task.call(run.pk)
    run.refresh_from_db()
    assert run.status == "failed" and run.error == "Kein Schlagwort „Newsletter“."


def test_the_selection_grown_past_the_upper_bound_is_refused_before_any_change(bonn, monkeypatch):
    monkeypatch.setattr(party_rules, "CHANGE_MANY_BACKGROUND_LIMIT", 2)
    with pytest.raises(ValidationError) as refused:
        actions.do_change_or_start(bonn["selection"], actor=None, add_tags=["X"])
    assert "3 Adressen sind zu viele für einen Lauf (höchstens 2)" in refused.value.messages[0]
    assert not ChangeRun.objects.exists() and not Tag.objects.filter(name="X").exists()


def test_while_a_run_of_the_selection_is_open_no_other_change_of_it_starts(bonn, monkeypatch):
    running = open_run(bonn)
    with pytest.raises(ValidationError) as refused:
        actions.do_change_or_start(bonn["selection"], actor=None, add_tags=["Y"])
    assert "werden gerade im Hintergrund geändert" in refused.value.messages[0]
    monkeypatch.setattr(party_rules, "CHANGE_MANY_LIMIT", 10)
    with pytest.raises(ValidationError):
        actions.do_change_or_start(bonn["selection"], actor=None, add_tags=["Y"])
    assert list(ChangeRun.objects.all()) == [running]
    assert not Tag.objects.filter(name="Y").exists()


def test_the_page_says_it_runs_in_the_background_then_shows_the_result(client_for, bonn):
    c = client_for("editor")
    url = f"/selections/{bonn['selection'].pk}/change/"
    data = {"responsible": bonn["anna"].pk, "add_tag": "Messe 2027"}
    asked = c.post(url, data).content.decode()
    assert "Dies ändert höchstens 3 Adressen der Selektion:" in asked
    assert "Mehr als 2 Adressen werden im Hintergrund geändert" in asked
    assert "Alles oder nichts" in asked
    done = c.post(url, {**data, "confirm": "1"})
    run = ChangeRun.objects.get()
    assert done.status_code == 302 and done.url == f"/selections/change-runs/{run.pk}/"
    page = c.get(done.url).content.decode()
    assert "3 von 3 Adressen geändert." in page
    assert "Verantwortlich: Anna Arndt" in page and "Schlagwort „Messe 2027“ ergänzen" in page
    assert f'href="/selections/{bonn["selection"].pk}/"' in page
    assert "hx-get" not in page  # done: the page stops asking
    history = c.get(f"/parties/{bonn['b'].pk}/").content.decode()
    assert "Geändert für die Selektion „Bonner Kunden“" in history


def test_a_running_run_shows_its_progress_and_asks_again(client_for, bonn):
    run = open_run(bonn)
    runs.write_progress(run, 1, 3)
    c = client_for("editor")
    page = c.get(f"/selections/change-runs/{run.pk}/").content.decode()
    assert 'hx-trigger="every 2s"' in page and "1 / 3" in page
    assert '<progress max="100" value="33">' in page
    part = c.get(f"/selections/change-runs/{run.pk}/", headers={"HX-Request": "true"})
    assert part.content.decode().startswith('<div id="change-run"')


def test_a_failed_run_page_says_why_and_that_nothing_changed(client_for, bonn):
    run = open_run(bonn)
    run.status, run.error = ChangeRunStatus.FAILED, "RuntimeError: disk full"
    run.save()
    page = client_for("editor").get(f"/selections/change-runs/{run.pk}/").content.decode()
    assert "Der Lauf ist fehlgeschlagen; keine Adresse wurde geändert." in page
    assert "RuntimeError: disk full" in page


def test_the_change_page_names_the_open_run_and_links_it(client_for, bonn):
    run = open_run(bonn)
    c = client_for("editor")
    url = f"/selections/{bonn['selection'].pk}/change/"
    refused = c.post(url, {"add_tag": "X", "confirm": "1"})
    text = refused.content.decode()
    assert refused.status_code == 400
    assert "werden gerade im Hintergrund geändert" in text
    assert f'href="/selections/change-runs/{run.pk}/"' in text
    assert "change-confirm" not in c.post(url, {"add_tag": "X"}).content.decode()
    detail = c.get(f"/selections/{bonn['selection'].pk}/").content.decode()
    assert "Ihre Adressen werden gerade im Hintergrund geändert." in detail
    assert f'href="/selections/change-runs/{run.pk}/"' in detail
    run.status = ChangeRunStatus.DONE
    run.save()
    assert "change-runs" not in c.get(f"/selections/{bonn['selection'].pk}/").content.decode()


def test_the_api_answers_202_with_the_run_and_its_status_url(api_for, bonn):
    api = api_for("editor")
    url = f"/api/v1/selections/{bonn['selection'].pk}/change-parties/"
    res = api.post(url, {"responsible": None, "add_tags": ["Messe"]}, format="json")
    assert res.status_code == 202, res.content
    body = res.json()
    run = ChangeRun.objects.get()
    status_url = f"http://testserver/api/v1/selection-change-runs/{run.pk}/"
    assert (body["id"], body["status"], body["url"]) == (run.pk, "done", status_url)
    assert res["Location"] == status_url
    assert body["page"] == f"http://testserver/selections/change-runs/{run.pk}/"
    got = api.get(status_url).json()
    assert (got["status"], got["done"], got["total"], got["percent"], got["changed"]) == (
        "done", 3, 3, 100, 3,
    )  # fmt: skip
    assert got["selection"] == bonn["selection"].pk and got["error"] == ""
    again = api.post(url, {"add_tags": ["Messe"]}, format="json")
    assert again.status_code == 202 and again.json()["changed"] == 0


def test_the_api_refuses_a_second_run_and_one_past_the_upper_bound(api_for, bonn, monkeypatch):
    api = api_for("editor")
    url = f"/api/v1/selections/{bonn['selection'].pk}/change-parties/"
    open_run(bonn)
    busy = api.post(url, {"add_tags": ["Messe"]}, format="json")
    assert busy.status_code == 400 and "Hintergrund" in str(busy.json())
    ChangeRun.objects.update(status=ChangeRunStatus.DONE)
    monkeypatch.setattr(party_rules, "CHANGE_MANY_BACKGROUND_LIMIT", 2)
    assert api.post(url, {"add_tags": ["Messe"]}, format="json").status_code == 400
    assert ChangeRun.objects.count() == 1


def test_a_run_is_seen_by_whom_may_change_parties_and_open_the_selection(
    api_for, client_for, bonn, make_user
):
    private = do_save_selection(actor=bonn["owner"], name="Privat", filters={"city": "Bonn"})
    run = ChangeRun.objects.create(
        selection=private, selection_name="Privat", created_by=bonn["owner"],
        status=ChangeRunStatus.DONE,
    )  # fmt: skip
    url = f"/api/v1/selection-change-runs/{run.pk}/"
    viewer = api_for("viewer")
    assert viewer.get(url).status_code == 403
    assert api_for("editor").get(url).status_code == 404  # another editor's private selection
    owner = api_for(None)
    owner.force_authenticate(bonn["owner"])
    assert owner.get(url).status_code == 200
    page = f"/selections/change-runs/{run.pk}/"
    assert client_for("viewer").get(page).status_code == 403
    assert client_for("editor").get(page).status_code == 404
    posted = viewer.post(
        f"/api/v1/selections/{bonn['selection'].pk}/change-parties/", {"add_tags": ["X"]},
        format="json",
    )  # fmt: skip
    assert posted.status_code == 403 and not ChangeRun.objects.exclude(pk=run.pk).exists()


def test_the_schema_says_202_with_the_run_and_the_status_path():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    post = schema["paths"]["/api/v1/selections/{id}/change-parties/"]["post"]
    assert set(post["responses"]) >= {"200", "202"}
    assert post["responses"]["202"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ChangeRun"
    }
    assert "get" in schema["paths"]["/api/v1/selection-change-runs/{id}/"]
    fields = schema["components"]["schemas"]["ChangeRun"]["properties"]
    assert {"id", "status", "url", "done", "total", "percent", "changed", "error"} <= set(fields)


def test_keep_is_the_default_of_a_run_without_a_responsible_user(bonn):
    run = actions.do_start_change_run(bonn["selection"], actor=None, responsible=KEEP,
                                      add_tags=["X"])  # fmt: skip
    assert "responsible" not in run.changes and run.status == "done"


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        ({"add_tags": ["newsletter"], "remove_tags": ["Newsletter"]}, "remove_tags",
         "nicht zugleich"),
        ({"add_tags": ["a,b"]}, "tag_names", "Komma"),
    ],
)  # fmt: skip
def test_what_the_run_would_refuse_is_refused_when_it_is_started(api_for, bonn, body, field, says):
    res = api_for("editor").post(
        f"/api/v1/selections/{bonn['selection'].pk}/change-parties/", body, format="json"
    )
    assert res.status_code == 400 and says in str(res.json()[field])
    assert not ChangeRun.objects.exists()
    assert not AuditRecord.objects.filter(action="selection.change_run_start").exists()


def test_the_page_refuses_a_tag_both_added_and_removed_before_starting_a_run(client_for, bonn):
    res = client_for("editor").post(
        f"/selections/{bonn['selection'].pk}/change/",
        {"add_tag": "Newsletter", "remove_tag": "Newsletter", "confirm": "1"},
    )
    assert res.status_code == 400 and "nicht zugleich" in res.content.decode()
    assert not ChangeRun.objects.exists()


def test_a_progress_file_that_cannot_be_removed_leaves_a_changed_run_done(bonn, monkeypatch):
    def read_only(path: Any, missing_ok: bool = False) -> None:
        raise PermissionError("read-only")

    monkeypatch.setattr("pathlib.Path.unlink", read_only)
    run = actions.do_start_change_run(bonn["selection"], actor=bonn["owner"], add_tags=["Messe"])
    assert (run.status, run.changed) == ("done", 3)
    assert Party.objects.filter(tags__name="Messe").count() == 3


def test_a_run_done_after_a_sweep_gave_it_up_says_done_without_the_sweeps_reason(bonn):
    run = open_run(bonn)
    run.error = "Der Arbeitsprozess meldet sich nicht mehr."
    run.save()
    changed = actions.do_run_change(run)
    run.refresh_from_db()
    assert (run.status, run.changed, run.error) == ("done", changed, "") and changed == 3


def test_the_sweep_fails_a_dead_workers_run_and_removes_its_progress_file(bonn):
    from django.utils import timezone

    from verbund.core import jobs
    from verbund.selections.tasks import CHANGE_RUNS

    run = open_run(bonn)
    now = timezone.now()
    ChangeRun.objects.filter(pk=run.pk).update(
        worker_host=jobs.HOST, worker_pid=999_999_999, claimed_at=now, heartbeat_at=now
    )
    runs.write_progress(run, 2, 3)
    assert CHANGE_RUNS in jobs.kinds()
    jobs.do_fail_abandoned_runs()
    run.refresh_from_db()
    assert run.status == "failed" and run.error
    assert not runs.progress_path(run).exists()


def test_a_run_whose_starter_is_gone_says_null_as_its_schema_allows(api_for, bonn):
    from drf_spectacular.generators import SchemaGenerator

    run = open_run(bonn)
    run.created_by = None
    run.save()
    got = api_for("editor").get(f"/api/v1/selection-change-runs/{run.pk}/").json()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    created_by = schema["components"]["schemas"]["ChangeRun"]["properties"]["created_by"]
    assert got["created_by"] is None and created_by.get("nullable") is True
    change = schema["paths"]["/api/v1/selections/{id}/change-parties/"]["post"]["responses"]
    assert "Location" in change["202"]["headers"]


def test_the_result_counts_in_the_number_of_all_the_runs_parties(client_for, bonn):
    run = open_run(bonn)
    run.status, run.changed, run.done = ChangeRunStatus.DONE, 1, 3
    run.save()
    page = client_for("editor").get(f"/selections/change-runs/{run.pk}/").content.decode()
    assert "1 von 3 Adressen geändert." in page
