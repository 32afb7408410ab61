"""The forked row stage: rows come back in order, errors at their place, and the child keeps
working while the parent is busy elsewhere."""

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from verbund.interfaces.pipeline import Forked

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")


def test_the_rows_come_back_in_order_and_an_error_at_its_place() -> None:
    def produce() -> Iterator[int]:
        yield from range(5000)
        raise ValueError("row 5001: broken")

    got: list[int] = []
    with pytest.raises(ValueError, match="row 5001"):
        for item in Forked(produce, None):
            got.append(item)
    assert got == list(range(5000))


def test_the_child_reads_ahead_while_the_parent_is_busy(tmp_path: Path) -> None:
    # Far more than a pipe holds (64 KB): without the child's spool it would stop at the
    # first full pipe and never reach the end while the parent does something else.
    done = tmp_path / "done"

    def produce() -> Iterator[str]:
        for i in range(20_000):
            yield f"{i:06d}" + "x" * 200
        done.write_text("yes")

    rows = Forked(produce, None)
    deadline = time.monotonic() + 30
    while not done.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert done.exists(), "the child stopped while the parent was not reading"
    got = list(rows)
    assert len(got) == 20_000 and got[0].startswith("000000") and got[-1].startswith("019999")


def test_closing_early_stops_the_child() -> None:
    def produce() -> Iterator[int]:
        while True:
            yield 1

    rows = Forked(produce, None)
    child = rows._pid
    first = next(iter(rows))
    rows.close()
    assert first == 1
    with pytest.raises(ProcessLookupError):  # killed and reaped
        os.kill(child, 0)
