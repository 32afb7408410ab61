"""ERP imports write in bulk, without per-row signals: their parties are screened and their
links recompute ownership all the same."""

from decimal import Decimal
from pathlib import Path
from typing import Any

from verbund.compliance.actions import do_confirm_hit
from verbund.compliance.models import Hit, OwnershipFlag
from verbund.interfaces import actions as imports
from verbund.parties.models import Party


def run_import(tmp_path: Path, settings: Any, name: str, text: str) -> None:
    settings.VERBUND_IMPORT_DIR = str(tmp_path / "imports")
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    run = imports.do_create_run(actor=None, kind="parties", source="erp", path=path)
    imports.do_execute_run(run)
    run.refresh_from_db()
    assert run.status == "done", run.report


def test_imported_parties_are_screened_after_the_run_commits(
    ofac: object, tmp_path: Path, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        run_import(tmp_path, settings, "p.csv", "id;name;country\nK1;Nordstern Trading LLC;IR\n")
    party = Party.objects.get(erp_source="erp", erp_id="K1")
    assert Hit.objects.filter(party=party).exists()


def test_an_imported_share_under_a_blocked_owner_flags_the_subsidiary(
    ofac: object,
    reviewer: Any,
    tmp_path: Path,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        run_import(tmp_path, settings, "a.csv", "id;name\nB1;Banco Nacional de Cuba\n")
    bank = Party.objects.get(erp_id="B1")
    for hit in Hit.objects.filter(party=bank):
        do_confirm_hit(hit, actor=reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        run_import(
            tmp_path,
            settings,
            "b.csv",
            "id;name;parent;parent_share\nK2;Karibik Handel GmbH;B1;60\n",
        )
    flag = OwnershipFlag.objects.get(party__erp_id="K2", regime="ofac")
    assert flag.share == Decimal("60")
