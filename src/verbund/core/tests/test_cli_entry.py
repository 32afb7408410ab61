"""The `verbund` program itself, as a shell runs it."""

import os
import subprocess
import sys
from pathlib import Path


def test_a_reader_that_goes_away_early_gets_no_traceback(tmp_path: Path) -> None:
    # As `verbund help | head -0`: the pipe is closed before the command writes to it.
    proc = subprocess.Popen(
        [sys.executable, "-m", "verbund.cli", "help"],
        env={
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
            "SECRET_KEY_FILE": str(tmp_path / "secret"),
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait(timeout=120)
    assert "Traceback" not in err and "BrokenPipeError" not in err, err
    assert proc.returncode == 1


def test_a_command_on_a_database_not_yet_migrated_says_to_migrate(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "verbund.cli", "demo", "--size", "5"],
        env={
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'new.sqlite3'}",
            "SECRET_KEY_FILE": str(tmp_path / "secret"),
            "VERBUND_LANGUAGE": "de",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr, done.stderr
    assert "verbund migrate" in done.stderr and "Arbeitsdatenbank" in done.stderr, done.stderr
