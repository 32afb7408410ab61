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


def test_the_view_and_the_exports_are_measured_beside_their_raw_floor() -> None:
    from verbund.bench.hierarchy import measure_pages
    from verbund.relationships.models import RelationshipType

    meta = build(2_000, StringIO())
    lines: list[tuple[str, float, float, float | None]] = []

    def add(name, app, raw, target, stat="median"):
        lines.append((name, min(app), min(raw), target))

    member = meta["groups"]["1000"][0]["deepest"]
    measure_pages(member, RelationshipType.objects.get(key="group").pk, 1, add, size="1,000")
    names = [name for name, *_rest in lines]
    assert names[0] == "hierarchy view from the deepest member (1,000)"
    assert any(n.startswith("export of the 1,000 group, CSV") for n in names)
    assert any(n.startswith("export of the 1,000 group, XLSX") for n in names)
    assert all(app > 0 and raw > 0 for _n, app, raw, _target in lines)
    # Targets for what the user waits for; the writers side by side are figures for information.
    assert all(target for n, *_rest, target in lines if not n.startswith("  ..."))
    assert [n for n in names if n.startswith("  ...")] == [
        "  ... the workbook alone, rust_xlsxwriter",
        "  ... the workbook alone, xlsxwriter",
    ]


def test_the_exports_part_measures_only_the_biggest_groups_exports() -> None:
    meta = build(2_000, StringIO())
    results = measure(meta, repeat=1, requests=1, out=StringIO(), parts=frozenset({"exports"}))
    names = [r["query"] for r in results]
    assert names and all(
        n.startswith(("export of the 1,000 group", "  ... the workbook")) for n in names
    )
    assert any("CSV" in n for n in names) and any("XLSX" in n for n in names)
