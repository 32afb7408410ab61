"""Confirming a dry run: the action itself refuses what may not be written for real."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from verbund.interfaces import actions
from verbund.interfaces.models import ImportRun
from verbund.parties.models import Party

pytestmark = pytest.mark.django_db

Write = Callable[..., Path]
Run = Callable[..., ImportRun]
GOOD = "id;name;country\nK1;Alpha AG;DE\n"
ONE_BAD = GOOD + "K2;Beta GmbH;XX\n"


def refusal(dry: ImportRun) -> str:
    with pytest.raises(ValidationError) as err:
        actions.do_confirm_dry_run(dry, actor=None)
    return " ".join(err.value.messages)


def test_a_clean_dry_run_is_confirmed_as_a_real_run_of_the_same_file_and_options(
    write: Write, run_import: Run, django_capture_on_commit_callbacks: Any
) -> None:
    dry = run_import("parties", write("p.csv", GOOD), dry_run=True, full=True)
    assert dry.status == "done" and not Party.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        run = actions.do_confirm_dry_run(dry, actor=None)
    run.refresh_from_db()
    assert (run.dry_run, run.full, run.file_hash, run.file_name) == (
        False, True, dry.file_hash, dry.file_name,
    )  # fmt: skip
    assert run.status == "done" and Party.objects.get().erp_id == "K1"


def test_a_dry_run_with_errors_cannot_be_confirmed(write: Write, run_import: Run) -> None:
    # Skipping invalid rows, the dry run itself finishes: only its errors stand in the way.
    dry = run_import("parties", write("p.csv", ONE_BAD), dry_run=True, skip_invalid=True)
    assert dry.status == "done" and dry.counts["errors"] == 1
    assert "with errors cannot be confirmed" in refusal(dry)
    assert ImportRun.objects.count() == 1 and not Party.objects.exists()


def test_only_a_finished_dry_run_can_be_confirmed(write: Write, run_import: Run) -> None:
    real = run_import("parties", write("p.csv", GOOD))
    assert "Only a finished dry run" in refusal(real)
    failed = run_import("parties", write("p2.csv", ONE_BAD), dry_run=True)
    assert failed.status == "failed"
    assert "Only a finished dry run" in refusal(failed)


def test_a_dry_run_whose_file_is_gone_cannot_be_confirmed(write: Write, run_import: Run) -> None:
    dry = run_import("parties", write("p.csv", GOOD), dry_run=True)
    Path(dry.file_path).unlink()
    assert "no longer there" in refusal(dry)


def test_a_dry_run_is_confirmed_once_and_its_page_links_the_run_that_wrote_it(
    write: Write,
    run_import: Run,
    django_capture_on_commit_callbacks: Any,
    make_user: Callable[..., Any],
) -> None:
    from django.test import Client

    dry = run_import("parties", write("p.csv", GOOD), dry_run=True)
    with django_capture_on_commit_callbacks(execute=True):
        run = actions.do_confirm_dry_run(dry, actor=None)
    assert run.confirms == dry
    # A second click writes nothing again: the action names the run that did.
    assert f"confirmed already: import run #{run.pk}" in refusal(dry)
    assert ImportRun.objects.count() == 2
    client = Client()
    client.force_login(make_user("steward"))
    page = client.get(f"/imports/{dry.pk}/").content.decode()
    assert f'href="/imports/{run.pk}/" data-testid="confirmed-as"' in page
    assert 'data-testid="confirm-import"' not in page
    written = client.get(f"/imports/{run.pk}/").content.decode()
    assert f'href="/imports/{dry.pk}/" data-testid="confirms"' in written
    assert client.get(f"/api/v1/import-runs/{run.pk}/").json()["confirms"] == dry.pk
    again = client.post(f"/imports/{dry.pk}/confirm/")
    assert again.status_code == 302 and again["Location"] == f"/imports/{run.pk}/"
    assert ImportRun.objects.count() == 2


def test_a_dry_run_whose_confirmed_run_failed_may_be_confirmed_again(
    write: Write, run_import: Run, django_capture_on_commit_callbacks: Any
) -> None:
    dry = run_import("parties", write("p.csv", GOOD), dry_run=True)
    with django_capture_on_commit_callbacks(execute=False):
        first = actions.do_confirm_dry_run(dry, actor=None)
    ImportRun.objects.filter(pk=first.pk).update(status="failed")
    assert actions.confirm_refusal(dry) is None


def test_confirming_a_dry_run_saves_the_new_run_once_naming_the_dry_run_it_confirms(
    write: Write, run_import: Run, django_capture_on_commit_callbacks: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from verbund.core.models import AuditRecord

    dry = run_import("parties", write("p.csv", GOOD), dry_run=True)
    with (
        django_capture_on_commit_callbacks(execute=False),
        CaptureQueriesContext(connection) as queries,
    ):
        run = actions.do_confirm_dry_run(dry, actor=None)
    writes = [
        q["sql"].split()[0].upper()
        for q in queries.captured_queries
        if '"interfaces_importrun"' in q["sql"]
        and not q["sql"].lstrip().upper().startswith("SELECT")
    ]
    assert writes == ["INSERT"]
    run.refresh_from_db()
    assert run.confirms == dry and run.status == "queued"
    queued = AuditRecord.objects.get(action="import.queued", object_id=str(run.pk))
    assert queued.after["confirms"] == dry.pk
