"""Helpers for interface tests: write a file, run an import through the actions, read the run."""

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from verbund.interfaces import actions
from verbund.interfaces.models import ImportRun


@pytest.fixture(autouse=True)
def _import_dir(settings: Any, tmp_path: Path, english_cli: None) -> Iterator[None]:
    settings.VERBUND_IMPORT_DIR = str(tmp_path / "imports")
    # Messages are asserted in English (commands' too: english_cli); the product's default
    # language is German.
    with translation.override("en"):
        yield


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    def make(name: str, text: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding=encoding)
        return path

    return make


@pytest.fixture
def run_import(db: Any) -> Callable[..., ImportRun]:
    def go(kind: str, path: Path, source: str = "erp", **options: Any) -> ImportRun:
        create_missing = options.pop("create_missing", False)
        run = actions.do_create_run(actor=None, kind=kind, source=source, path=path, **options)
        actions.do_execute_run(run, create_missing=create_missing)
        run.refresh_from_db()
        return run

    return go


def reasons(run: ImportRun) -> str:
    return " | ".join(
        f"row {e['row']} {e['field']} {e['value']}: {e['reason']}"
        for e in run.report.get("errors", [])
    )
