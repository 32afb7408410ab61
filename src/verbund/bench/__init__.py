"""Benchmarks: `verbund bench NAME` (names in ``verbund.core.registry.BENCHMARKS``).

One module per benchmark, each with ``add_arguments(parser)`` and ``run(options, stdout)``;
``common`` holds what they share. The benchmarks import the domains, never the reverse.
"""
