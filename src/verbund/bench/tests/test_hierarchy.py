"""The hierarchy benchmark runs end to end on a small database and prints every figure."""

from io import StringIO

import pytest

from verbund.bench.hierarchy import build, measure

pytestmark = pytest.mark.django_db(transaction=False)


def test_the_benchmark_prints_each_query_with_its_raw_ratio_and_verdict() -> None:
    meta = build(2_000, StringIO())
    out = StringIO()
    results = measure(meta, repeat=1, requests=3, out=out)
    text = out.getvalue()
    names = [r["query"] for r in results]
    assert "whole 1,000 group from its deepest member" in names
    assert any(n.startswith("hierarchy endpoint") for n in names)
    for r in results:
        assert r["ms"] > 0 and r["raw_ms"] and r["ratio"] is not None
        # Figures without a named floor say so instead of passing or failing.
        assert (r["ok"] is None) == (r["target_ms"] is None)
    assert text.count("\n") == len(results)
    assert "info" in text
