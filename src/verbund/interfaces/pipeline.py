"""Row preparation in a second process, for big files.

Reading, checking and normalising a row costs about as much Python time as comparing and
writing it, and a Python process uses one core. For big files the pure per-row stage
(``engine.party_rows.PartyRows``) runs in a forked child while this process compares and writes; the
results come back pickled through a pipe, in order. The child only computes: it never touches
the database connection it inherited and leaves with ``os._exit``. A file error raised in the
child (bad encoding, wrong field count, ...) is raised again here, at the same point of the
stream, so a run behaves exactly as it would in one process.
"""

from __future__ import annotations

import collections
import contextlib
import os
import pickle
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from typing import Any

_BATCH = 2000
# Pickled rows the child may hold while the parent is not reading (about 250 bytes a row):
# enough for the few seconds a 1M re-import's parent reads what the source holds (256 MB
# cost 35-60 MB more of the child's memory on the bench and no measurable time).
SPOOL_BYTES = 128 * 1024 * 1024


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


class _Spool:
    """The child's side of the pipe: batches are pickled here and written by a thread, with up
    to ``budget`` bytes waiting, so that the child keeps working while the parent is busy with
    something else (reading what the database holds before it takes the first row) instead of
    stopping as soon as the pipe's few kilobytes are full."""

    def __init__(self, write_fd: int, budget: int) -> None:
        self._fd = write_fd
        self._queue: collections.deque[bytes | None] = collections.deque()
        self._budget = budget
        self._waiting = 0
        self._cond = threading.Condition()
        self._failed: BaseException | None = None
        self._thread = threading.Thread(target=self._write, name="row-spool", daemon=True)
        self._thread.start()

    def send(self, kind: str, payload: Any, fraction: float) -> None:
        data = pickle.dumps((kind, payload, fraction), protocol=pickle.HIGHEST_PROTOCOL)
        with self._cond:
            while self._waiting and self._waiting + len(data) > self._budget:
                if self._failed is not None:
                    raise self._failed
                self._cond.wait()
            self._queue.append(data)
            self._waiting += len(data)
            self._cond.notify_all()

    def _write(self) -> None:
        while True:
            with self._cond:
                while not self._queue:
                    self._cond.wait()
                data = self._queue.popleft()
            if data is None:
                return
            try:
                view = memoryview(data)
                while view:  # os.write releases the GIL while the pipe is full
                    view = view[os.write(self._fd, view) :]
            except BaseException as exc:  # the parent went away: stop the producer
                with self._cond:
                    self._failed = exc
                    self._cond.notify_all()
                return
            with self._cond:
                self._waiting -= len(data)
                self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self._queue.append(None)
            self._cond.notify_all()
        self._thread.join()
        os.close(self._fd)


def _child(
    write_fd: int, produce: Callable[[], Iterator[Any]], progress: Callable[[], float] | None
) -> None:  # pragma: no cover - runs in the child
    code = 0
    try:
        spool = _Spool(write_fd, SPOOL_BYTES)
        try:
            send = spool.send
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
        finally:
            spool.close()
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        sys.stderr.flush()
        os._exit(code)
