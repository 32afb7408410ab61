"""Where the domain apps plug into the shared `verbund bench` and `verbund check` commands.

Each entry names a module with ``add_arguments(parser)`` and ``run(options, stdout) -> int``.
"""

BENCHMARKS: dict[str, str] = {
    "api": "verbund.parties.bench",
    "hierarchy": "verbund.hierarchies.bench",
    "revenue": "verbund.revenue.bench",
    "import": "verbund.interfaces.bench",
    "dedupe": "verbund.quality.bench",
    "screening": "verbund.compliance.bench",
    "ui": "verbund.web.bench",
}

CONSISTENCY_CHECKS: dict[str, str] = {
    "hierarchies": "verbund.hierarchies.consistency",
    "revenue": "verbund.revenue.consistency",
}
