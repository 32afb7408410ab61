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
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
