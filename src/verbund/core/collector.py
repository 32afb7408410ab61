"""The cyclic garbage collector paused while a bounded phase builds many objects.

A phase that builds a big result (a whole group, an import run's rows, the screening index, the
delta filter's word sets) makes no reference cycles: its objects are freed by reference
counting. The collector would only walk the growing heap again and again: half of building the
screening index, a tenth of a 1M-row import. Collections resume afterwards and take whatever
cycle the phase left.
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic collection inside (also usable as a decorator; nesting is safe). Processes
    forked inside inherit the pause and end with it."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
