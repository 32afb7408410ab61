"""The yearly pre-aggregates (:class:`RevenueYear`) kept equal to the monthly rows.

Contract (decisions 0003 and 0032): a (party, year) row exists exactly when the party has a
monthly row in that year; ``amount_cents`` is the sum of the year's rows and ``m01`` ...
``m12`` the sum of each month's rows, NULL for a month without rows. Every writer of monthly
rows calls one of these in its own transaction, after writing the rows:

- ``bump``: add cents to (party, month) cells, optionally re-reading cells whose rows were
  deleted (a delete may leave a month, or the whole year, without rows);
- ``recompute``: rebuild some parties' rows from their monthly rows (merges);
- ``rebuild_sql``: the SQL that rebuilds rows from the monthly table (demo loads, the check).

How a period reads them (``year_rows``): a period that begins in January (whole years, or a
year to date as the comparison with the year before reads the current year) takes each row's
total, or in its last year the month columns up to its last month (decision 0050).

Adding deltas under the row's lock (``UPDATE ... SET x = x + d``) keeps concurrent writers of
one party-year exact on PostgreSQL, as the year total alone was before.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import F, Value
from django.db.models.functions import Coalesce

from verbund.revenue.models import MONTH_COLUMNS, RevenueMonth, RevenueYear
from verbund.revenue.periods import Period

T_MONTH = RevenueMonth._meta.db_table
T_YEAR = RevenueYear._meta.db_table
# Every column of a year row that the monthly rows determine, in the order rebuild_sql gives.
FIGURE_COLUMNS = ("amount_cents", *MONTH_COLUMNS)


def _pg() -> bool:
    return connection.vendor == "postgresql"


def month_column(month: dt.date) -> str:
    return MONTH_COLUMNS[month.month - 1]


def year_sql(column: str = "month") -> str:
    """The calendar year of a monthly row's ``month`` as an integer, in SQL."""
    if _pg():
        return f"CAST(EXTRACT(YEAR FROM {column}) AS integer)"
    return f"CAST(substr({column}, 1, 4) AS integer)"


def month_number_sql(column: str = "month") -> str:
    """The month number (1-12) of a monthly row's ``month``, in SQL."""
    if _pg():
        return f"CAST(EXTRACT(MONTH FROM {column}) AS integer)"
    return f"CAST(substr({column}, 6, 2) AS integer)"


def rebuild_sql(where: str = "") -> str:
    """``SELECT party_id, year, amount_cents, m01, ..., m12`` computed from the monthly rows
    (``where`` filters them, e.g. ``WHERE party_id IN (...)``); one row per party-year with
    rows, a month without rows NULL (SUM over no rows)."""
    number = month_number_sql()
    months = ", ".join(f"SUM(CASE WHEN {number} = {n} THEN amount_cents END)" for n in range(1, 13))
    return (
        f"SELECT party_id, {year_sql()} AS year, SUM(amount_cents), {months}"
        f" FROM {T_MONTH} {where} GROUP BY party_id, {year_sql()}"
    )


def insert_rebuilt(where: str = "", params: Iterable[Any] = ()) -> None:
    """Insert the rebuilt rows of the monthly rows ``where`` selects; the caller has deleted
    the year rows they replace."""
    cols = ", ".join(("party_id", "year", *FIGURE_COLUMNS))
    with connection.cursor() as cur:
        cur.execute(f"INSERT INTO {T_YEAR} ({cols}) {rebuild_sql(where)}", list(params))


def bump(
    deltas: Mapping[tuple[int, dt.date], int], *, emptied: Iterable[tuple[int, dt.date]] = ()
) -> None:
    """Add ``delta`` cents to each (party, month) cell: the party has a row in that month after
    the write (so a delta of 0 still marks the month as having figures).

    ``emptied``: cells whose rows were deleted; each is re-read from the monthly rows once
    the year row is locked (NULL when none remain), and a year left without any month is
    deleted. The caller holds the transaction and has written the monthly rows already.
    """
    gone = set(emptied)
    by_year: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)
    for (party_id, month), delta in deltas.items():
        by_year[(party_id, month.year)][month_column(month)] = delta
    for party_id, month in gone:
        by_year[(party_id, month.year)].setdefault(month_column(month), 0)
    # In key order, so that two writers lock the rows of the same parties in the same order.
    for (party_id, year), cells in sorted(by_year.items()):
        total = sum(cells.values())
        changes = {c: Coalesce(F(c), Value(0)) + d for c, d in cells.items()}
        rows = RevenueYear.objects.filter(party_id=party_id, year=year)
        if not rows.update(amount_cents=F("amount_cents") + total, **changes):
            RevenueYear.objects.create(party_id=party_id, year=year, amount_cents=total, **cells)
    for party_id, month in sorted(gone):
        _reread(party_id, month)


def _reread(party_id: int, month: dt.date) -> None:
    """Set one month cell from the monthly rows (NULL without rows); drop an empty year.

    Runs after ``bump`` locked the year row, so on PostgreSQL this statement's snapshot sees
    every monthly row committed by an earlier holder of the lock.
    """
    col = month_column(month)
    first = month if _pg() else month.isoformat()
    with connection.cursor() as cur:
        cur.execute(
            f"UPDATE {T_YEAR} SET {col} = (SELECT SUM(amount_cents) FROM {T_MONTH}"
            " WHERE party_id = %s AND month = %s) WHERE party_id = %s AND year = %s",
            [party_id, first, party_id, month.year],
        )
        empty = " AND ".join(f"{c} IS NULL" for c in MONTH_COLUMNS)
        cur.execute(
            f"DELETE FROM {T_YEAR} WHERE party_id = %s AND year = %s AND {empty}",
            [party_id, month.year],
        )


def recompute(party_ids: Iterable[int]) -> None:
    """Rebuild every yearly row of some parties from their monthly rows."""
    ids = sorted(set(party_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join(["%s"] * len(chunk))
        RevenueYear.objects.filter(party_id__in=chunk).delete()
        insert_rebuilt(f"WHERE party_id IN ({marks})", chunk)


def mismatches(
    party_ids: Iterable[int] | None = None,
) -> list[tuple[int, int, str, int | None, int | None]]:
    """(party, year, figure, stored, recomputed) of every stored figure that disagrees with
    the monthly rows; ``figure`` is ``amount_cents`` or ``m01`` ... ``m12``. None stands for
    "none": a year row without monthly rows has a recomputed total of None, a party-year with
    monthly rows but no year row a stored total of None. One pass over both tables."""
    ids = None if party_ids is None else sorted(set(party_ids))
    where, params = "", []
    if ids is not None:
        where = f"WHERE party_id IN ({', '.join(['%s'] * len(ids))})" if ids else "WHERE 1 = 0"
        params = ids
    names = ", ".join(f"c{i}" for i in range(len(FIGURE_COLUMNS)))
    differs = "IS DISTINCT FROM" if _pg() else "IS NOT"
    stored = ", ".join(f"y.{c}" for c in FIGURE_COLUMNS)
    wanted = ", ".join(f"m.c{i}" for i in range(len(FIGURE_COLUMNS)))
    test = " OR ".join(f"y.{c} {differs} m.c{i}" for i, c in enumerate(FIGURE_COLUMNS))
    # The keys are the union of both sides, so a row on one side only is found too.
    sql = (
        f"WITH m (party_id, year, {names}) AS ({rebuild_sql(where)}),"
        f" keys AS (SELECT party_id, year FROM m UNION SELECT party_id, year FROM {T_YEAR} {where})"
        f" SELECT k.party_id, k.year, {stored}, {wanted} FROM keys k"
        f" LEFT JOIN {T_YEAR} y ON y.party_id = k.party_id AND y.year = k.year"
        " LEFT JOIN m ON m.party_id = k.party_id AND m.year = k.year"
        f" WHERE {test} ORDER BY k.party_id, k.year"
    )
    n = len(FIGURE_COLUMNS)
    found = []
    with connection.cursor() as cur:
        cur.execute(sql, [*params, *params])
        for party_id, year, *values in cur.fetchall():
            for col, got, want in zip(FIGURE_COLUMNS, values[:n], values[n:], strict=True):
                if got != want:
                    found.append((int(party_id), int(year), col, _int(got), _int(want)))
    return found


def _int(value: object) -> int | None:
    return None if value is None else int(str(value))


def reads_years(period: Period) -> bool:
    """Whether a period's figures come from the yearly aggregates: it begins in January, so it
    is whole years, the last of them possibly up to an earlier month (a year to date, as the
    comparison with the year before reads the current year: ``periods.comparable``)."""
    return period.first.month == 1


@dataclass(frozen=True)
class YearRows:
    """A period that begins in January on the yearly rows ``y``: SQL with its parameters.

    ``years``: the rows of its years; ``has``: of those, the rows with a figure in its months
    (None for whole years: every row); ``amount``: a row's figure in its months (the year's
    total, or in the last year the months up to the period's: the month columns added up, or
    the total less the months after, whichever is fewer; NULL adds nothing); ``months``: the
    months of its last year that are in it (12 for whole years)."""

    years: tuple[str, list[Any]]
    has: tuple[str, list[Any]] | None
    amount: tuple[str, list[Any]]
    months: int

    @property
    def cond(self) -> tuple[str, list[Any]]:
        """The rows of the period: of its years, those with a figure in its months."""
        if self.has is None:
            return self.years
        return f"{self.years[0]} AND {self.has[0]}", [*self.years[1], *self.has[1]]


def year_rows(period: Period, alias: str = "y") -> YearRows:
    """How a period that begins in January reads the yearly rows ``alias`` (``reads_years``)."""
    first, last, k = period.first.year, period.last.year, period.last.month
    a = alias
    if first == last:
        # One year by equality: SQLite then seeks (party, year) instead of a range.
        years: tuple[str, list[Any]] = (f"{a}.year = %s", [first])
    else:
        years = (f"{a}.year >= %s AND {a}.year <= %s", [first, last])
    if k == 12:
        return YearRows(years, None, (f"{a}.amount_cents", []), 12)
    kept = [f"{a}.{c}" for c in MONTH_COLUMNS[:k]]
    has = f"COALESCE({', '.join(kept)}) IS NOT NULL" if k > 1 else f"{kept[0]} IS NOT NULL"
    if k <= 6:
        part = "(" + " + ".join(f"COALESCE({c}, 0)" for c in kept) + ")"
    else:
        after = " + ".join(f"COALESCE({a}.{c}, 0)" for c in MONTH_COLUMNS[k:])
        part = f"({a}.amount_cents - ({after}))"
    if first == last:
        return YearRows(years, (has, []), (part, []), k)
    return YearRows(
        years,
        (f"({a}.year < %s OR {has})", [last]),
        (f"(CASE WHEN {a}.year = %s THEN {part} ELSE {a}.amount_cents END)", [last]),
        k,
    )
