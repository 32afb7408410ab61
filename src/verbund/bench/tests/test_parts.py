"""``--parts`` of the selections and revenue benchmarks: an unknown part is a usage error naming
the valid parts (exit status 2, no traceback), not a run of nothing or of everything."""

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

import verbund
from verbund.bench import revenue, selections
from verbund.bench.common import parts_type


def test_the_parts_are_read_as_a_set_and_empty_means_all() -> None:
    parse = parts_type(("selection", "white-space"))
    assert parse("selection, white-space") == {"selection", "white-space"}
    assert parse("") == {"all"} and parse("all") == {"all"}


def test_an_unknown_part_is_refused_naming_the_valid_ones() -> None:
    with pytest.raises(argparse.ArgumentTypeError) as refused:
        parts_type(("selection", "white-space"))("white_space,selection")
    message = str(refused.value)
    assert "white_space" in message and "all, selection, white-space" in message


@pytest.mark.parametrize(
    "bench, valid",
    [("selections", selections.PARTS), ("revenue", revenue.PARTS)],
)
def test_the_command_line_refuses_an_unknown_part_without_a_traceback(
    tmp_path: Path, bench: str, valid: tuple[str, ...]
) -> None:
    # A database that is never opened: the option is refused before anything runs.
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'never.sqlite3'}",
        # This source tree, wherever the test runs from.
        "PYTHONPATH": str(Path(verbund.__file__).parents[1]),
    }
    result = subprocess.run(
        [sys.executable, "-m", "verbund", "bench", bench, "--size", "10", "--parts", "whitespace"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "unknown part whitespace" in result.stderr
    assert ", ".join(valid) in result.stderr
    assert not (tmp_path / "never.sqlite3").exists()
