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
