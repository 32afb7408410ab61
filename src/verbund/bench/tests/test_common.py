"""Where the benchmarks find their files: options and the environment, never a machine's paths;
and the layering: the benchmarks import the domains, never the reverse."""

import ast
from pathlib import Path

import pytest

import verbund
from verbund.bench.common import bench_dir, data_path, missing_data


def test_a_real_data_set_comes_from_the_option_before_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("VERBUND_DATA_DIR", str(tmp_path / "shared"))
    assert data_path(None, "sanctions") == tmp_path / "shared" / "sanctions"
    assert data_path(str(tmp_path / "mine"), "sanctions") == tmp_path / "mine"


def test_without_option_or_environment_a_data_set_is_not_looked_for_anywhere(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("VERBUND_DATA_DIR", raising=False)
    assert data_path(None, "sanctions") is None
    line = missing_data("sanctions lists", None, "--data DIR", "sanctions/")
    assert line.count("\n") == 1 and line.endswith("skipped\n")
    assert "--data DIR" in line and "VERBUND_DATA_DIR" in line


def test_the_working_directory_comes_from_the_environment_else_bench_data_here(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("VERBUND_BENCH_DIR", str(tmp_path))
    assert bench_dir() == tmp_path
    monkeypatch.delenv("VERBUND_BENCH_DIR")
    assert bench_dir() == Path("bench-data")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_domain_module_imports_the_benchmarks() -> None:
    root = Path(verbund.__file__).parent
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path.relative_to(root).parts[0] != "bench"
        and any(n == "verbund.bench" or n.startswith("verbund.bench.") for n in _imports(path))
    ]
    assert offenders == []
