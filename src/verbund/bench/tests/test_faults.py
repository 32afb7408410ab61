"""The fault test script (``python -m verbund.bench.faults``) on the database of this test run:
SIGKILLed imports and workers leave nothing half-written, their runs end failed, re-runs work."""

import os
import subprocess
import sys

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)


def test_killed_imports_and_workers_are_failed_and_their_re_runs_succeed(tmp_path) -> None:
    args: list[str] = []
    if connection.vendor == "postgresql":
        # This test's own (migrated, empty) database; the subprocesses commit into it and the
        # test's teardown empties it again.
        db = connection.settings_dict
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        args = [
            "--database-url",
            f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            "--no-migrate",
        ]
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    connection.close()
    result = subprocess.run(
        [sys.executable, "-m", "verbund.bench.faults", *args],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=tmp_path,
        env=env,
    )
    print(result.stdout, result.stderr)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.rstrip().endswith("9 passed, 0 failed")
