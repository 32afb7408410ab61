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
