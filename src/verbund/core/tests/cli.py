"""Running `verbund` subcommands in tests exactly as the command line does (now shared by every
domain's tests: verbund.core.testing)."""

from verbund.core.testing import run_cli

__all__ = ["run_cli"]
