"""Retention: the rules list what is due (dry run by default); --apply erases it through the
erasure, leaving held parties alone."""

import datetime as dt
import json
import re
from typing import Any

from django.utils import timezone

from verbund.activities.actions import do_create_activity
from verbund.core.testing import run_cli
from verbund.parties.actions import do_create_party
from verbund.parties.models import Party
from verbund.privacy.actions import do_retention, do_set_hold
from verbund.privacy.models import PrivacyLog


def _aged(party: Party, years: float) -> Party:
    moment = timezone.now() - dt.timedelta(days=365.25 * years)
    Party.objects.filter(pk=party.pk).update(created_at=moment, updated_at=moment)
    return party


def _world(db: Any) -> dict[str, Party]:
    old_org = do_create_party(actor=None, name="Alt GmbH")
    Party.objects.filter(pk=old_org.pk).update(archived=True)
    _aged(old_org, 4)
    contact = do_create_party(
        actor=None, kind="person", first_name="Otto", last_name="Altkontakt", organisation=old_org
    )
    sleeper = _aged(
        do_create_party(actor=None, kind="person", first_name="Sina", last_name="Schläfer"), 11
    )
    active = _aged(
        do_create_party(actor=None, kind="person", first_name="Anton", last_name="Aktiv"), 11
    )
    do_create_activity(actor=None, party=active, subject="Besuch")
    _aged(active, 11)
    held = _aged(
        do_create_party(actor=None, kind="person", first_name="Hugo", last_name="Halten"), 11
    )
    do_set_hold(held, actor=None, until=dt.date.today() + dt.timedelta(days=30), reason="Prüfung")
    _aged(held, 11)
    fresh = do_create_party(actor=None, kind="person", first_name="Frida", last_name="Frisch")
    return {
        "contact": contact,
        "sleeper": sleeper,
        "active": active,
        "held": held,
        "fresh": fresh,
        "org": old_org,
    }


def test_the_dry_run_lists_what_is_due_and_changes_nothing(db: Any) -> None:
    w = _world(db)
    result = do_retention(actor=None)
    due = {d.rule.key: set(d.party_ids) for d in result.due}
    assert due["archived_contacts"] == {w["contact"].pk}
    assert due["inactive_persons"] == {w["sleeper"].pk, w["held"].pk}
    assert result.held == {w["held"].pk}
    assert not result.erased
    assert Party.objects.get(pk=w["sleeper"].pk).last_name == "Schläfer"
    assert not PrivacyLog.objects.filter(action__in=["erase", "retention"]).exists()


def test_apply_erases_what_is_due_except_held_parties(db: Any) -> None:
    w = _world(db)
    result = do_retention(actor=None, apply=True)
    assert sorted(result.erased) == sorted([w["contact"].pk, w["sleeper"].pk])
    assert Party.objects.get(pk=w["sleeper"].pk).last_name == ""
    assert Party.objects.get(pk=w["held"].pk).last_name == "Halten"
    assert Party.objects.get(pk=w["active"].pk).last_name == "Aktiv"
    assert Party.objects.get(pk=w["fresh"].pk).last_name == "Frisch"
    assert Party.objects.get(pk=w["org"].pk).name == "Alt GmbH"
    assert set(PrivacyLog.objects.filter(action="erase").values_list("article", flat=True)) == {
        "art5"
    }
    # A second run finds nothing new.
    assert do_retention(actor=None, apply=True).erased == []


def test_the_command_is_a_dry_run_unless_told_to_apply(
    db: Any, capsys: Any, settings: Any, keep_test_connection: None
) -> None:
    w = _world(db)
    code, out, err = run_cli(capsys, "privacy", "retention", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert not data["applied"] and data["erased"] == []
    assert Party.objects.get(pk=w["sleeper"].pk).last_name == "Schläfer"
    settings.VERBUND_PRIVACY_RETENTION = {"archived_contacts": 0}
    code, out, err = run_cli(capsys, "privacy", "retention", "--apply", "--json")
    assert json.loads(out)["erased"] == [w["sleeper"].pk]


def test_archived_contacts_come_from_their_own_archiving_or_their_organisations_once(
    db: Any,
) -> None:
    """Both ways into the rule, each listed once; a recent archiving is not due yet."""
    w = _world(db)
    both = do_create_party(
        actor=None, kind="person", first_name="Berta", last_name="Beides", organisation=w["org"]
    )
    own = do_create_party(actor=None, kind="person", first_name="Eva", last_name="Eigen")
    recent = do_create_party(actor=None, kind="person", first_name="Nora", last_name="Neu")
    new_org = do_create_party(actor=None, name="Neu archiviert GmbH")
    via_new = do_create_party(
        actor=None, kind="person", first_name="Kai", last_name="Kurz", organisation=new_org
    )
    Party.objects.filter(pk__in=[both.pk, own.pk, recent.pk, new_org.pk]).update(archived=True)
    _aged(both, 4)
    _aged(own, 4)
    due = {d.rule.key: d.party_ids for d in do_retention(actor=None).due}
    assert due["archived_contacts"] == sorted([w["contact"].pk, both.pk, own.pk])
    assert via_new.pk not in due["archived_contacts"]


def test_the_page_applies_the_rules_after_a_confirm_step_that_states_the_counts(
    db: Any, client_for: Any
) -> None:
    from django.utils import translation

    from verbund.core.models import AuditRecord
    from verbund.privacy.models import RetentionRun

    w = _world(db)
    c = client_for("privacy")
    with translation.override("de"):
        page = c.get("/privacy/retention/").content.decode()
        assert 'data-testid="retention-apply"' in page
        confirm = c.get("/privacy/retention/apply/").content.decode()
    # Three are due (the contact, the sleeper, the held one); the held one stays.
    assert "2 Personen und Einzelunternehmen werden gelöscht (anonymisiert)." in confirm
    assert "1 Adresse bleibt wegen einer Aufbewahrungspflicht" in confirm
    assert Party.objects.get(pk=w["sleeper"].pk).last_name == "Schläfer"  # looking changes nothing
    response = c.post("/privacy/retention/apply/")
    run = RetentionRun.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/privacy/retention/runs/{run.pk}/"
    )
    assert (run.status, run.total, run.done, run.erased, run.held, run.refused) == (
        "done",
        2,
        2,
        2,
        1,
        0,
    )
    assert Party.objects.get(pk=w["sleeper"].pk).last_name == ""
    assert Party.objects.get(pk=w["contact"].pk).last_name == ""
    assert Party.objects.get(pk=w["held"].pk).last_name == "Halten"  # the hold still stops it
    assert PrivacyLog.objects.filter(action="retention").count() == 1
    assert set(
        AuditRecord.objects.filter(object_type="privacy.retentionrun").values_list(
            "action", flat=True
        )
    ) == {"privacy.retention_start", "privacy.retention_done"}
    with translation.override("de"):
        shown = c.get(f"/privacy/retention/runs/{run.pk}/").content.decode()
    assert "2 gelöscht, 1 wegen Aufbewahrungspflicht behalten, 0 abgelehnt" in shown
    assert 'hx-trigger="every 2s"' not in shown  # done: the page stops asking


def test_the_command_does_not_apply_beside_a_run_the_page_started(
    db: Any, capsys: Any, settings: Any, keep_test_connection: None
) -> None:
    from verbund.privacy.models import RetentionRun

    w = _world(db)
    RetentionRun.objects.create(status="running", total=400, done=200)
    settings.VERBUND_PRIVACY_RETENTION = {"archived_contacts": 0}
    code, _out, err = run_cli(capsys, "privacy", "retention", "--apply")
    assert code != 0 and "bereits" in err and "Traceback" not in err
    assert Party.objects.get(pk=w["sleeper"].pk).last_name == "Schläfer"
    # The dry run still answers, with its dates as the pages write them.
    code, out, err = run_cli(capsys, "privacy", "retention")
    assert code == 0, err
    assert re.search(r"\(vor \d\d\.\d\d\.\d{4}\): \d+ fällig", out), out


def test_a_running_application_shows_its_progress_and_refuses_a_second_start(
    db: Any, client_for: Any
) -> None:
    from verbund.privacy.models import RetentionRun

    _world(db)
    run = RetentionRun.objects.create(status="running", total=400, done=200)
    c = client_for("privacy")
    shown = c.get(f"/privacy/retention/runs/{run.pk}/").content.decode()
    assert '<progress max="100" value="50">' in shown and 'hx-trigger="every 2s"' in shown
    confirm = c.get("/privacy/retention/apply/").content.decode()
    assert 'data-testid="retention-running"' in confirm and "retention-start" not in confirm
    refused = c.post("/privacy/retention/apply/")
    assert refused.status_code == 400
    assert RetentionRun.objects.count() == 1


def test_only_who_may_apply_the_rules_sees_the_button_and_may_start(
    db: Any, client_for: Any, make_user: Any
) -> None:
    from django.contrib.auth.models import Permission
    from django.test import Client

    from verbund.privacy.models import RetentionRun

    _world(db)
    user = make_user(None, username="reviewer")
    user.user_permissions.add(
        Permission.objects.get(codename="run_retention", content_type__app_label="privacy")
    )
    c = Client()
    c.force_login(user)
    assert 'data-testid="retention-apply"' not in c.get("/privacy/retention/").content.decode()
    assert c.get("/privacy/retention/apply/").status_code == 403
    assert c.post("/privacy/retention/apply/").status_code == 403
    assert client_for("viewer").post("/privacy/retention/apply/").status_code == 403
    assert not RetentionRun.objects.exists()


def test_a_run_that_breaks_is_marked_failed_with_the_reason_and_frees_the_button(
    db: Any, client_for: Any, monkeypatch: Any
) -> None:
    from verbund.privacy import selectors
    from verbund.privacy.models import RetentionRun

    _world(db)

    def broken(today: Any = None) -> Any:
        raise RuntimeError("database gone")

    monkeypatch.setattr(selectors, "retention_due", broken)
    c = client_for("privacy")
    c.raise_request_exception = False
    c.post("/privacy/retention/apply/")
    run = RetentionRun.objects.get()
    assert run.status == "failed" and "database gone" in run.error and run.finished_at
    assert (
        'hx-trigger="every 2s"' not in c.get(f"/privacy/retention/runs/{run.pk}/").content.decode()
    )
    monkeypatch.undo()
    assert 'data-testid="retention-start"' in c.get("/privacy/retention/apply/").content.decode()


def test_while_a_run_is_open_the_retention_pages_compute_nothing_and_link_to_its_progress(
    db: Any, client_for: Any, monkeypatch: Any, django_assert_num_queries: Any
) -> None:
    from verbund.privacy import selectors
    from verbund.privacy.models import RetentionRun

    _world(db)
    run = RetentionRun.objects.create(status="queued")
    c = client_for("privacy")

    def dry_run(today: Any = None) -> Any:
        raise AssertionError("a dry run beside an open run")

    monkeypatch.setattr(selectors, "retention_due", dry_run)
    # Session, user, the user's and the groups' permissions, the open run: nothing the rules
    # read.
    with django_assert_num_queries(5):
        confirm = c.get("/privacy/retention/apply/")
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert "Löschfristen werden bereits angewendet" in page
    assert f'href="/privacy/retention/runs/{run.pk}/" data-testid="retention-running-link"' in page
    assert "retention-start" not in page and "retention-to-erase" not in page
    refused = c.post("/privacy/retention/apply/")
    assert refused.status_code == 400 and f"/privacy/retention/runs/{run.pk}/" in refused.text
    assert RetentionRun.objects.count() == 1
    # The retention page does no dry run beside the open run either (it would count a moving
    # target): it points to the run, and lists it among the recent runs.
    overview = c.get("/privacy/retention/").content.decode()
    assert (
        f'href="/privacy/retention/runs/{run.pk}/" data-testid="retention-running-link"' in overview
    )
    assert 'data-testid="retention-apply"' not in overview
    assert "retention-nothing" not in overview and 'data-testid="retention-runs"' in overview
    monkeypatch.undo()
    run.status = "done"
    run.save(update_fields=["status"])
    after = c.get("/privacy/retention/").content.decode()
    assert "retention-running" not in after and "retention-apply" in after
