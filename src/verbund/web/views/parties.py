"""Moved to ``verbund.parties.views``; this name stays for ``web/bench.py`` until the
benchmarks move to ``verbund.bench``."""

from verbund.parties.views import section_apps

__all__ = ["section_apps"]
