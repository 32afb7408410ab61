"""A bench part whose real data set is absent says in one line what is missing and how to give
it, and the rest of the bench runs."""

import io
from pathlib import Path

import pytest

from verbund.bench import dedupe, screening


def test_the_dedupe_bench_names_each_missing_data_set_and_runs_the_synthetic_part(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("VERBUND_DATA_DIR", str(tmp_path))
    out = io.StringIO()
    assert dedupe.run({"size": 200}, out) == 0
    lines = out.getvalue().splitlines()
    missing = [line for line in lines if "absent" in line]
    assert [line.split(" absent")[0] for line in missing] == ["FEBRL4 data", "dedupe-examples data"]
    assert all(str(tmp_path / "dedupe") in line and "--data DIR" in line for line in missing)
    assert any(line.startswith("| synthetic German companies") for line in lines)


def test_the_screening_bench_without_lists_says_how_to_give_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("VERBUND_DATA_DIR", raising=False)
    out = io.StringIO()
    assert screening.run({}, out) == 0
    assert out.getvalue() == (
        "sanctions lists absent: give --data DIR (with ofac/ and un/) or set VERBUND_DATA_DIR "
        "(the folder holding sanctions/); nothing to measure\n"
    )
