"""A database read on a thread of its own while this thread computes.

The database does such a read's work with the GIL released (SQLite's statement steps,
PostgreSQL's round trips), so it runs on another core beside a computation that holds the GIL,
provided it fetches few rows: each row fetched waits for the GIL (up to the interpreter's switch
interval, 5 ms) while the computation holds it. Aggregate the rows in SQL.
"""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import connection, connections


@contextmanager
def read_alongside(read: Callable[[], None] | None) -> Iterator[None]:
    """Run ``read`` on a thread with its own database connection while the block runs; wait
    for it on leaving the block and raise its error, if any, after the block's own. ``read``
    may write too, in transactions of its own, where the block does not use the database.

    Where this thread's connection is in a transaction, the other connection would not see its
    uncommitted writes (and SQLite's in-memory test database would lock): ``read`` runs here,
    before the block. Enter after forking worker processes, never before: a process forked
    while the thread runs inherits its locks in whatever state they are."""
    if read is None:
        yield
        return
    if connection.in_atomic_block:
        read()
        yield
        return
    failed: list[BaseException] = []

    def run() -> None:
        try:
            read()
        except BaseException as exc:  # handed to the caller's thread
            failed.append(exc)
        finally:
            connections.close_all()  # this thread's connections only

    thread = threading.Thread(target=run, name="verbund-read-alongside", daemon=True)
    thread.start()
    try:
        yield
    finally:
        thread.join()
    if failed:
        raise failed[0]
