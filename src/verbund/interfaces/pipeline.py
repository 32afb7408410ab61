"""Row preparation in a second process, for big files.

Reading, checking and normalising a row costs about as much Python time as comparing and
writing it, and a Python process uses one core. For big files the pure per-row stage
(``engine._PartyRows``) runs in a forked child while this process compares and writes; the
results come back pickled through a pipe, in order. The child only computes: it never touches
the database connection it inherited and leaves with ``os._exit``. A file error raised in the
child (bad encoding, wrong field count, ...) is raised again here, at the same point of the
stream, so a run behaves exactly as it would in one process.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import traceback
from collections.abc import Callable, Iterator
from typing import Any

_BATCH = 2000


class Forked:
    """Iterates ``produce()`` run in a forked child; ``progress()`` is the child's last report."""

    def __init__(
        self, produce: Callable[[], Iterator[Any]], progress: Callable[[], float] | None
    ) -> None:
        self._fraction = 0.0
        read_fd, write_fd = os.pipe()
        self._pid = os.fork()
        if self._pid == 0:  # pragma: no cover - runs in the child, reported through the pipe
            os.close(read_fd)
            _child(write_fd, produce, progress)
        os.close(write_fd)
        self._inp = os.fdopen(read_fd, "rb", buffering=1 << 20)
        self._done = False

    def progress(self) -> float:
        return self._fraction

    def __iter__(self) -> Iterator[Any]:
        try:
            while True:
                try:
                    # Our own child's output, never outside data.
                    kind, payload, fraction = pickle.load(self._inp)  # noqa: S301
                except EOFError:
                    raise RuntimeError("The row reader process ended early.") from None
                self._fraction = fraction
                if kind == "rows":
                    yield from payload
                elif kind == "error":
                    raise payload
                else:
                    self._done = True
                    return
        finally:
            self.close()

    def close(self) -> None:
        if self._pid:
            if not self._done:
                # Stopped early (an error here): the child's rows are not needed any more.
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self._pid, signal.SIGKILL)
            self._inp.close()
            os.waitpid(self._pid, 0)
            self._pid = 0


def _child(
    write_fd: int, produce: Callable[[], Iterator[Any]], progress: Callable[[], float] | None
) -> None:  # pragma: no cover - runs in the child
    code = 0
    try:
        with os.fdopen(write_fd, "wb", buffering=1 << 20) as out:

            def send(kind: str, payload: Any, fraction: float) -> None:
                pickle.dump((kind, payload, fraction), out, protocol=pickle.HIGHEST_PROTOCOL)

            batch: list[Any] = []
            try:
                for item in produce():
                    batch.append(item)
                    if len(batch) >= _BATCH:
                        send("rows", batch, progress() if progress else 0.0)
                        batch = []
                send("rows", batch, 1.0)
                send("end", None, 1.0)
            except Exception as exc:  # handed to the parent to raise
                # The rows before the error first, as a single process would have seen them.
                send("rows", batch, 0.0)
                try:
                    send("error", exc, 0.0)
                except Exception:  # an exception that does not pickle
                    send("error", RuntimeError(f"{type(exc).__name__}: {exc}"), 0.0)
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        sys.stderr.flush()
        os._exit(code)
