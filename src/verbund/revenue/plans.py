"""Planner settings for revenue's roll-ups on PostgreSQL (no-ops on SQLite): a subtree's
figures by index-driven nested loops, whole-database roll-ups by hash joins (decisions 0032,
0046)."""

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

from django.db import connection, transaction


@contextmanager
def _planned(settings: dict[str, str]) -> Iterator[None]:
    """The enclosed statements with ``settings`` on PostgreSQL: set transaction-local and put
    back afterwards, so an enclosing transaction keeps its own plan choices (three statements:
    read, set, restore)."""
    if connection.vendor != "postgresql":
        yield
        return
    names = list(settings)
    reads = ", ".join("current_setting(%s)" for _ in names)
    writes = ", ".join("set_config(%s, %s, true)" for _ in names)
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"SELECT {reads}", names)
        before = cur.fetchone()
        cur.execute(f"SELECT {writes}", [x for name in names for x in (name, settings[name])])
        try:
            yield
        finally:
            cur.execute(
                f"SELECT {writes}", [x for pair in zip(names, before, strict=True) for x in pair]
            )


@contextmanager
def index_driven() -> Iterator[None]:
    """On PostgreSQL, run the enclosed subtree queries as index-driven nested loops.

    A subtree is a small slice of the closure; probing the covering (party, year|month,
    amount) index per member beats the hash join over the whole revenue table the planner
    picks (measured 4x at a 100,000-member group). JIT compilation is off as well: the
    months of a 100,000-member group's year compiled for 70 of 295 ms (decision 0032).
    """
    with _planned({"enable_hashjoin": "off", "enable_mergejoin": "off", "jit": "off"}):
        yield


# Memory for each hash of a whole-database roll-up (per process; a parallel plan has three).
SCAN_WORK_MEM = "64MB"


@contextmanager
def scan_driven() -> Iterator[None]:
    """On PostgreSQL, run whole-database roll-ups (top groups) with hash joins.

    The planner estimates one root group (the anti-join that finds roots is misjudged) and
    answers with a nested loop of hundreds of thousands of random probes; hashing the
    closure against the yearly table is several times faster. The hashes get ``SCAN_WORK_MEM``
    (the default 4 MB split the closure's hash into eight batches written to disk) and no JIT
    (it compiled for 95 of 1,070 ms of the top groups).
    """
    with _planned({"enable_nestloop": "off", "work_mem": SCAN_WORK_MEM, "jit": "off"}):
        yield


def for_scope(head: int | None) -> AbstractContextManager[None]:
    """The plan settings of a roll-up: over every head (``head`` None) by hash joins, within
    one head's tree by index-driven nested loops."""
    return scan_driven() if head is None else index_driven()
