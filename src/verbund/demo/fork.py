"""Demo party rows generated in a forked process while the parent writes them."""

from __future__ import annotations

import os
import pickle
import signal
import sys
import traceback
from collections.abc import Iterator
from typing import Any

from verbund.demo.generator import DemoData

_BATCH = 20_000


def party_rows_in_child(
    data: DemoData, base_id: int, first_number: int, now: Any
) -> Iterator[tuple[Any, ...]]:
    """``data.party_rows(...)``, generated in a forked process while this one writes.

    Generating a row costs about as much as writing it, so on two cores the two overlap. The
    child only computes (it never touches the database connection it inherited) and leaves with
    ``os._exit``; rows and, at the end, the recorded links come back pickled through a pipe.
    Yields exactly what ``data.party_rows`` would, and leaves ``data`` in the same state.
    """
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child, reported through the exit status
        code = 0
        try:
            os.close(read_fd)
            with os.fdopen(write_fd, "wb", buffering=1 << 20) as out:
                batch: list[tuple[Any, ...]] = []
                for row in data.party_rows(base_id, first_number, now):
                    batch.append(row)
                    if len(batch) >= _BATCH:
                        pickle.dump(("rows", batch), out, protocol=pickle.HIGHEST_PROTOCOL)
                        batch = []
                pickle.dump(("rows", batch), out, protocol=pickle.HIGHEST_PROTOCOL)
                pickle.dump(("state", data.export_state()), out, protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:
            traceback.print_exc()
            code = 1
        finally:
            sys.stderr.flush()
            os._exit(code)
    os.close(write_fd)
    done = False
    try:
        with os.fdopen(read_fd, "rb", buffering=1 << 20) as inp:
            while True:
                try:
                    # Our own child's output, never outside data.
                    kind, payload = pickle.load(inp)  # noqa: S301
                except EOFError:
                    raise RuntimeError("The demo generator process ended early.") from None
                if kind == "rows":
                    yield from payload
                else:
                    data.import_state(payload)
                    break
        done = True
    finally:
        if not done:
            os.kill(pid, signal.SIGTERM)
        _, status = os.waitpid(pid, 0)
    if status != 0:
        raise RuntimeError(f"The demo generator process failed (status {status}).")
