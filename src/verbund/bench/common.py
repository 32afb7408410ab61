"""What the benchmarks share: where their files go, where the real data sets are, timing.

Directories come only from options and the environment, never from one machine's layout:

- ``VERBUND_BENCH_DIR``: the benchmarks' own working files (generated CSV files, benchmark
  databases, result files); ``bench-data`` in the current directory when unset.
- ``VERBUND_DATA_DIR``: the shared real data sets (``sanctions/``, ``dedupe/``, ``eval/``,
  ``gleif/``); a part that needs one says what is missing and is skipped when neither the
  option nor the variable names it.
"""

import argparse
import os
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from django.db import connection

BENCH_DIR_VARIABLE = "VERBUND_BENCH_DIR"
DATA_DIR_VARIABLE = "VERBUND_DATA_DIR"


def bench_dir() -> Path:
    """The benchmarks' working directory: ``$VERBUND_BENCH_DIR``, else ``./bench-data``."""
    return Path(os.environ.get(BENCH_DIR_VARIABLE) or "bench-data")


def data_path(given: str | None, *parts: str) -> Path | None:
    """A real data set: ``given`` (an option) as it is, else ``$VERBUND_DATA_DIR/<parts>``;
    None when neither is set."""
    if given:
        return Path(given)
    root = os.environ.get(DATA_DIR_VARIABLE)
    return Path(root, *parts) if root else None


def missing_data(
    what: str, path: Path | None, option: str, layout: str, outcome: str = "skipped"
) -> str:
    """The one line a bench part prints when its real data is absent: what is missing, where
    it looked, and how to give it."""
    looked = f"no {path}; " if path else ""
    return (
        f"{what} absent: {looked}give {option} or set {DATA_DIR_VARIABLE} "
        f"(the folder holding {layout}); {outcome}\n"
    )


def parts_type(valid: Sequence[str]) -> Callable[[str], frozenset[str]]:
    """The ``type`` of a ``--parts`` option: comma-separated names out of ``valid`` or ``all``
    (empty means ``all``). An unknown name is refused by argparse, naming the valid ones (a
    usage error, exit status 2), instead of running nothing or everything silently."""
    known = ("all", *valid)

    def parse(text: str) -> frozenset[str]:
        parts = frozenset(p.strip() for p in text.split(",") if p.strip()) or frozenset({"all"})
        unknown = sorted(parts.difference(known))
        if unknown:
            raise argparse.ArgumentTypeError(
                f"unknown part {', '.join(unknown)}; the parts are {', '.join(known)}"
            )
        return parts

    return parse


def median_ms(
    fn: Callable[[], Any], repeat: int, clock: Callable[[], float] = time.perf_counter
) -> float:
    """Median milliseconds of ``repeat`` calls of ``fn`` after one warm-up call."""
    fn()  # warm caches, the connection and the permission cache
    times = []
    for _ in range(repeat):
        start = clock()
        fn()
        times.append((clock() - start) * 1000)
    return statistics.median(times)


def paired_median_ms(
    fns: Sequence[Callable[[], Any]],
    repeat: int,
    clock: Callable[[], float] = time.perf_counter,
) -> list[float]:
    """Median milliseconds of each of ``fns`` (the application's and its raw baseline), called
    in turn ``repeat`` times each after one warm-up call of each: on a shared machine a busy
    spell then falls on every side of a ratio alike, not on whichever ran during it."""
    for fn in fns:
        fn()
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for fn, out in zip(fns, times, strict=True):
            start = clock()
            fn()
            out.append((clock() - start) * 1000)
    return [statistics.median(t) for t in times]


def ratio(app: float, raw: float | None) -> float | None:
    """The application's time as a multiple of the raw-SQL baseline; None without one."""
    return app / raw if raw else None


def rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """Raw SQL, all rows: the baseline side of a measurement."""
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return list(cur.fetchall())


def scalar(sql: str, params: list[Any]) -> Any:
    """Raw SQL, the first column of the first row (None without a row)."""
    with connection.cursor() as cur:
        cur.execute(sql, params)
        row = cur.fetchone()
        return row[0] if row else None
