"""Checks against the real OFAC and UN files in ``$VERBUND_DATA_DIR/sanctions`` (skipped when
the variable is unset or the folder absent)."""

import os
from pathlib import Path
from typing import Any

import pytest

from verbund.compliance.actions import do_import_list
from verbund.compliance.parsers import parse

_ROOT = os.environ.get("VERBUND_DATA_DIR", "")
DATA = Path(_ROOT) / "sanctions"
pytestmark = pytest.mark.skipif(
    not _ROOT or not DATA.is_dir(),
    reason="real sanctions data not available (set VERBUND_DATA_DIR)",
)


def test_the_real_un_lists_parse_completely() -> None:
    entries = parse("un-xml", [("c.xml", (DATA / "un/consolidated.xml").read_bytes())]).entries
    assert sum(e.schema == "person" for e in entries) == 713
    assert sum(e.schema == "organisation" for e in entries) == 305


def test_real_ofac_versions_give_the_published_differences(db: Any) -> None:
    do_import_list(
        "ofac-csv",
        [("sdn.csv", (DATA / "ofac/2022-01-21/sdn.csv").read_bytes())],
        actor=None,
        rescreen=False,
    )
    v2 = do_import_list(
        "ofac-csv",
        [("sdn.csv", (DATA / "ofac/2023-05-02/sdn.csv").read_bytes())],
        actor=None,
        rescreen=False,
    )
    assert (v2.entry_count, v2.added, v2.removed) == (12211, 3338, 171)
    # Changes in columns screening ignores (call sign, tonnage) are not counted.
    assert 0 < v2.changed <= 652


def test_real_ofac_files_dropped_into_a_folder_update_the_list_with_the_published_differences(
    db: Any,
) -> None:
    import io

    from django.core.management import call_command

    from verbund.compliance.models import ListVersion

    for day in ("2023-05-02", "2024-05-03"):
        out = io.StringIO()
        call_command("lists", "update", "--from", str(DATA / "ofac" / day), stdout=out)
    v2 = ListVersion.objects.get(list__key="ofac-sdn", number=2)
    assert (v2.entry_count, v2.added, v2.removed) == (14965, 3107, 353)
    assert 0 < v2.changed <= 99  # the README's 99 count every field; we compare what we read
    assert "ofac-sdn v2: 14965 entries (+3107 added" in out.getvalue()
