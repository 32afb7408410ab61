"""Work shared among forked worker processes that inherit what the parent holds (an index, a
filter): only the tasks and their results cross between the processes.

A platform that cannot fork (Windows) runs everything in the parent: callers ask ``can_fork``
before choosing the pool.
"""

import multiprocessing
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.pool import Pool
from typing import Any

_INHERITED: Any = None


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


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
