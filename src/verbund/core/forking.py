"""Work shared among forked worker processes that inherit what the parent holds (an index, a
filter): only the tasks and their results cross between the processes.

A platform that cannot fork (Windows) runs everything in the parent: callers ask ``can_fork``
before choosing the pool.
"""

import multiprocessing
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import contextmanager
from multiprocessing.pool import AsyncResult, Pool
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_INHERITED: Any = None


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def alone() -> bool:
    """Whether this process may fork here, with no other thread running: a fork copies only
    the calling thread, so a lock another thread held (a web server's job or request threads)
    would stay locked in the child."""
    return can_fork() and threading.active_count() == 1


def inherited() -> Any:
    """What the parent handed to ``pool`` (read in a worker)."""
    return _INHERITED


@contextmanager
def pool(workers: int, inherit: Any = None) -> Iterator[Pool]:
    """``workers`` forked processes that see ``inherit`` as ``inherited()``: set before the fork,
    so it is shared copy-on-write, never pickled. The pool is terminated on leaving."""
    global _INHERITED
    _INHERITED = inherit
    try:
        with multiprocessing.get_context("fork").Pool(workers) as forked:
            yield forked
    finally:
        _INHERITED = None


def in_order(
    fn: Callable[[T], R], tasks: Iterable[T], workers: int, inherit: Any = None
) -> Generator[tuple[T, R], None, None]:
    """``(task, fn(task))`` for each task, in the tasks' order.

    ``fn`` runs in ``workers`` forked processes that see ``inherit`` as ``inherited()``, or here
    (with ``inherited()`` set as well) where there are fewer than two workers or the platform
    cannot fork. The tasks are drawn in the calling thread, two per worker ahead of the results, so
    a task generator may read the database on this thread's connection: ``Pool.imap`` would
    draw it in its feeder thread, on a second connection that does not see this one's
    transaction. Close the iterator (``contextlib.closing``) to stop the workers early.
    """
    global _INHERITED
    if workers < 2 or not can_fork():
        _INHERITED = inherit
        try:
            for task in tasks:
                yield task, fn(task)
        finally:
            _INHERITED = None
        return
    pending: deque[tuple[T, AsyncResult[R]]] = deque()
    with pool(workers, inherit) as forked:
        for task in tasks:
            pending.append((task, forked.apply_async(fn, (task,))))
            if len(pending) > 2 * workers:
                done, result = pending.popleft()
                yield done, result.get()
        while pending:
            done, result = pending.popleft()
            yield done, result.get()
