"""Where the shared `verbund bench` and `verbund check` commands find their modules: the
benchmarks in the ``verbund.bench`` package, the consistency checks in the domain apps.

Each entry names a module with ``add_arguments(parser)`` and ``run(options, stdout) -> int``.
"""

BENCHMARKS: dict[str, str] = {
    "api": "verbund.bench.api",
    "hierarchy": "verbund.bench.hierarchy",
    "group": "verbund.bench.group",
    "revenue": "verbund.bench.revenue",
    "import": "verbund.bench.imports",
    "dedupe": "verbund.bench.dedupe",
    "screening": "verbund.bench.screening",
    "ui": "verbund.bench.ui",
    "search": "verbund.bench.search",
    "web": "verbund.bench.web",
}

CONSISTENCY_CHECKS: dict[str, str] = {
    "hierarchies": "verbund.hierarchies.consistency",
    "revenue": "verbund.revenue.consistency",
}
