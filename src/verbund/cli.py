"""The ``verbund`` command: Django's management commands with Verbund's settings preset.

Every subcommand (serve, migrate, demo, token, hierarchy, import, ...) is a management
command of one of the domain apps, so the CLI calls the same actions as the UI and API.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "verbund.settings")
    from django.core.management import execute_from_command_line

    args = ["verbund", *(sys.argv[1:] if argv is None else argv)]
    try:
        execute_from_command_line(args)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`verbund relationship types | head`): no traceback. Python's own
        # recipe: stdout to devnull, so that the final flush at exit does not fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)


if __name__ == "__main__":
    main()
