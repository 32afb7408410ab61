"""Where the shared `verbund bench` and `verbund check` commands find their modules: the
benchmarks in the ``verbund.bench`` package, the consistency checks in the domain apps.

Each entry names a module with ``add_arguments(parser)`` and ``run(options, stdout) -> int``.
"""

BENCHMARKS: dict[str, str] = {
    "api": "verbund.bench.api",
    "hierarchy": "verbund.bench.hierarchy",
    "group": "verbund.bench.group",
    "contacts": "verbund.bench.contacts",
    "revenue": "verbund.bench.revenue",
    "selections": "verbund.bench.selections",
    "import": "verbund.bench.imports",
    "dedupe": "verbund.bench.dedupe",
    "screening": "verbund.bench.screening",
    "screening-delta": "verbund.bench.screening_delta",
    "ui": "verbund.bench.ui",
    "search": "verbund.bench.search",
    "web": "verbund.bench.web",
    "privacy": "verbund.bench.privacy",
}

CONSISTENCY_CHECKS: dict[str, str] = {
    "hierarchies": "verbund.hierarchies.consistency",
    "revenue": "verbund.revenue.consistency",
}
