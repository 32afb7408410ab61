"""Running `verbund` subcommands in tests exactly as the command line does."""

import pytest
from django.core.management import ManagementUtility


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run `verbund ARGS` in-process as the command line does (argument parsing, errors to
    stderr, exit code); return (exit code, stdout, stderr)."""
    argv = ["verbund", *args]
    code = 0
    try:
        ManagementUtility(argv).fetch_command(args[0]).run_from_argv(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err
