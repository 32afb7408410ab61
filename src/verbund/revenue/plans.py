"""Planner settings for revenue's roll-ups on PostgreSQL (no-ops on SQLite): a subtree's
figures by index-driven nested loops, whole-database roll-ups by hash joins (decisions 0032,
0046)."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


def _pg() -> bool:
    return connection.vendor == "postgresql"


@contextmanager
def index_driven() -> Iterator[None]:
    """On PostgreSQL, run the enclosed subtree queries as index-driven nested loops.

    A subtree is a small slice of the closure; probing the covering (party, year|month,
    amount) index per member beats the hash join over the whole revenue table the planner
    picks (measured 4x at a 100,000-member group). JIT compilation is off as well: the
    months of a 100,000-member group's year compiled for 70 of 295 ms (decision 0032). The
    settings are transaction-local and put back afterwards, so an enclosing transaction
    keeps its own plan choices.
    """
    if not _pg():
        yield
        return
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "SELECT current_setting('enable_hashjoin'), current_setting('enable_mergejoin'),"
            " current_setting('jit')"
        )
        hash_on, merge_on, jit_on = cur.fetchone()
        cur.execute(
            "SELECT set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true),"
            " set_config('jit', 'off', true)"
        )
        try:
            yield
        finally:
            cur.execute(
                "SELECT set_config('enable_hashjoin', %s, true), set_config('enable_mergejoin', %s, true),"
                " set_config('jit', %s, true)",
                [hash_on, merge_on, jit_on],
            )


# Memory for each hash of a whole-database roll-up (per process; a parallel plan has three).
SCAN_WORK_MEM = "64MB"


@contextmanager
def scan_driven() -> Iterator[None]:
    """On PostgreSQL, run whole-database roll-ups (top groups) with hash joins.

    The planner estimates one root group (the anti-join that finds roots is misjudged) and
    answers with a nested loop of hundreds of thousands of random probes; hashing the
    closure against the yearly table is several times faster. The hashes get ``SCAN_WORK_MEM``
    (the default 4 MB split the closure's hash into eight batches written to disk) and no JIT
    (it compiled for 95 of 1,070 ms of the top groups). Transaction-local, restored.
    """
    if not _pg():
        yield
        return
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "SELECT current_setting('enable_nestloop'), current_setting('work_mem'),"
            " current_setting('jit')"
        )
        nest_on, work_mem, jit_on = cur.fetchone()
        cur.execute(
            "SELECT set_config('enable_nestloop', 'off', true), set_config('work_mem', %s, true),"
            " set_config('jit', 'off', true)",
            [SCAN_WORK_MEM],
        )
        try:
            yield
        finally:
            cur.execute(
                "SELECT set_config('enable_nestloop', %s, true), set_config('work_mem', %s, true),"
                " set_config('jit', %s, true)",
                [nest_on, work_mem, jit_on],
            )
