"""Parties written in bulk: their columns, numbers, derived columns, tags and history.

The bulk paths (ERP import, sync batches, demo data, benchmarks) write parties through a
``PartyWriter`` on a ``core.bulk.BulkLoad``: the generic writer knows tables and columns, this
module knows what a party row needs. The rules a row must pass are ``parties.rules`` (the
callers check them first, as the actions do); the derived columns come from
``parties.derive``, exactly as ``parties.actions.derive_fields`` computes them; the party's
history gets its records through ``record_history``, in bulk, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, cast

from verbund.core import audit, numbers
from verbund.core.bulk import BulkLoad, Rows, column_defaults, complete_rows, table_columns
from verbund.core.models import NumberSequence
from verbund.parties import rules
from verbund.parties.actions import NUMBER_SEQUENCE, tags_named
from verbund.parties.derive import derive_search_columns, person_name
from verbund.parties.models import Party, PartyKind

PARTY_TABLE = Party._meta.db_table
PARTY_COLUMNS: tuple[str, ...] = table_columns(Party)  # the order of tuple rows
_NUMBER_BLOCK = 10_000
_TAKE_BLOCK = 250_000


class PartyWriter:
    """The parties of one bulk load: rows completed, numbered and derived, then written.

    Numbers come from the ``party`` sequence (``core.numbers``): ``reserve_numbers`` for a
    known count, ``take_numbers`` chunk by chunk from a block reserved ahead (the sequence
    row stays locked until commit, so blocks follow on without gaps) and ``release_numbers``
    to give the unused rest back at the end.
    """

    def __init__(self, load: BulkLoad) -> None:
        self.load = load
        self.tag_links = 0
        self._numbers: Iterator[int] = iter(())
        self._max_given_number = 0
        self._defaults = column_defaults(Party)
        self._block_next = self._block_end = 0

    @property
    def ids(self) -> list[range]:
        """The id ranges of the parties written through this load."""
        return self.load.ids(PARTY_TABLE)

    def next_id(self) -> int:
        """The id the next ``insert`` starts at, for rows that point at each other (a
        person's ``organisation_id``). Takes the table lock on PostgreSQL."""
        return self.load.next_id(PARTY_TABLE)

    # -- numbers

    def reserve_numbers(self, count: int) -> int:
        """Reserve ``count`` consecutive party numbers; return the first."""
        with self.load.db_lock:
            return numbers.reserve(NUMBER_SEQUENCE, count=count)

    def take_numbers(self, count: int) -> int:
        """The first of ``count`` consecutive party numbers, from a block reserved ahead.

        For callers that need numbers chunk by chunk while the background writer works:
        reserving touches the database (and so waits for the writer), a block rarely does.
        """
        if self._block_next + count > self._block_end:
            size = max(count, _TAKE_BLOCK)
            first = self.reserve_numbers(size)
            if first != self._block_end:
                self._block_next = first
            self._block_end = first + size
        first = self._block_next
        self._block_next += count
        return first

    def release_numbers(self) -> None:
        """Return the numbers ``take_numbers`` reserved but did not hand out."""
        if self._block_next < self._block_end:
            with self.load.db_lock:
                NumberSequence.objects.filter(
                    name=NUMBER_SEQUENCE, next_value=self._block_end
                ).update(next_value=self._block_next)
            self._block_end = self._block_next

    def _next_number(self) -> int:
        value = next(self._numbers, None)
        if value is None:
            first = self.reserve_numbers(_NUMBER_BLOCK)
            self._numbers = iter(range(first, first + _NUMBER_BLOCK))
            value = next(self._numbers)
        return value

    # -- rows

    def insert(
        self,
        rows: Iterable[Mapping[str, Any] | Sequence[Any]],
        columns: Sequence[str] | None = None,
        *,
        derive: bool = True,
        rebuild_indexes: bool = False,
        constants: Mapping[str, Any] | None = None,
        companion: Callable[[range], Rows | None] | None = None,
    ) -> range:
        """Insert parties; return their ids in row order.

        ``rows``: dicts keyed by column name (``organisation_id``, not ``organisation``) or
        tuples in the order of ``columns`` (default ``PARTY_COLUMNS``). Missing columns take
        the model defaults; an empty number is generated, a given numeric one moves the
        sequence past it (on the fast path -- full tuples, ``derive=False`` -- numbers are the
        caller's business: reserve them with ``reserve_numbers``); ``derive`` brings codes to
        their stored form and fills ``search_text`` and ``phonetic`` (and a person's name from
        first and last name), as ``parties.actions.derive_fields`` does.
        ``rebuild_indexes``: drop the table's secondary indexes for the load and build them
        afterwards (same transaction) -- much faster for loads as large as the table, but it
        locks out readers on PostgreSQL until commit.
        ``constants``: the fastest path, for callers that prepare everything themselves
        (``derive=False``): tuples of ``columns`` plus these columns' values, the same in every
        row, together all of ``PARTY_COLUMNS`` -- written as they are.
        ``companion(ids)``: rows written with each chunk of parties (their history, say).
        """
        cols = tuple(columns or PARTY_COLUMNS)
        if constants is not None:
            if derive or sorted([*cols, *constants]) != sorted(PARTY_COLUMNS):
                raise ValueError("constants: rows of prepared columns that, with them, are all.")
            return self.load.write(
                PARTY_TABLE,
                cols,
                cast(Iterable[Sequence[Any]], rows),
                rebuild_indexes=rebuild_indexes,
                constants=constants,
                companion=companion,
            )
        ids = self.load.write(
            PARTY_TABLE,
            PARTY_COLUMNS,
            self._rows(rows, cols, derive),
            rebuild_indexes=rebuild_indexes,
            companion=companion,
        )
        if self._max_given_number:
            # Numbers given explicitly: the sequence continues after them, as in the actions.
            numbers.bump_past(NUMBER_SEQUENCE, self._max_given_number)
        return ids

    def _rows(
        self, rows: Iterable[Mapping[str, Any] | Sequence[Any]], cols: tuple[str, ...], derive: bool
    ) -> Iterator[Sequence[Any]]:
        if cols == PARTY_COLUMNS and not derive:
            # The fast path: complete tuples, numbers and derived columns filled by the caller.
            yield from rows  # type: ignore[misc]
            return
        ix = {c: i for i, c in enumerate(PARTY_COLUMNS)}
        i_kind, i_number, i_name, i_first, i_last = (
            ix["kind"], ix["number"], ix["name"], ix["first_name"], ix["last_name"],
        )  # fmt: skip
        i_country, i_vat, i_lei = ix["country"], ix["vat_id"], ix["lei"]
        i_name2, i_city, i_pc = ix["name2"], ix["city"], ix["postcode"]
        i_search, i_phonetic = ix["search_text"], ix["phonetic"]
        i_legal, i_sole = ix["legal_form"], ix["sole_trader"]
        full = complete_rows(rows, cols, PARTY_COLUMNS, self._defaults, self.load.now_db)
        for row in full:
            if not row[i_number]:
                row[i_number] = str(self._next_number())
            else:
                row[i_number] = str(row[i_number])
                if row[i_number].isdigit():
                    self._max_given_number = max(self._max_given_number, int(row[i_number]))
            if derive:
                if row[i_kind] == PartyKind.PERSON and row[i_last]:
                    row[i_name] = person_name(row[i_first], row[i_last])
                row[i_country] = rules.normal_country(row[i_country] or "")
                row[i_pc] = rules.normal_postcode(row[i_country], row[i_pc] or "")
                row[i_vat] = rules.normal_vat_id(row[i_vat] or "")
                row[i_lei] = rules.normal_lei(row[i_lei] or "")
                row[i_sole] = rules.is_sole_trader(row[i_kind], row[i_legal] or "")
                row[i_search], row[i_phonetic] = derive_search_columns(
                    row[i_name], row[i_name2], row[i_number], row[i_city], row[i_pc], row[i_vat]
                )
            yield row

    # -- tags

    def tag_ids(self, names: Iterable[str]) -> dict[str, int]:
        """Ids of the named tags by the names given, creating the missing ones (the one rule
        of a tag's name and spelling: ``parties.actions.tags_named``)."""
        given = sorted({n for n in names if n.strip()})
        tags = tags_named(given)
        by_key = {rules.tag_key(t.name): t.pk for t in tags}
        return {n: by_key[rules.tag_key(n)] for n in given}

    def insert_tags(self, pairs: Iterable[tuple[int, int]]) -> int:
        """Attach tags: ``(party_id, tag_id)`` pairs. Returns the number of links written."""
        table = Party.tags.through._meta.db_table
        n = len(self.load.write(table, ("party_id", "tag_id"), pairs))
        self.tag_links += n
        return n


def history(
    at: Any,
    action: str,
    *,
    actor: Any,
    by: tuple[str, Any],
    note: str = "",
    party_ids: Iterable[int] = (),
    changes: Iterable[tuple[int, dict[str, Any] | None, dict[str, Any] | None]] | None = None,
) -> Rows:
    """Each party's history gets the bulk write: one audit record per party, as rows for the
    bulk writer (``BulkLoad.append``, or ``PartyWriter.insert(..., companion=...)`` so that the
    records of created parties are written with them).

    ``action``: ``party.create``, ``party.update`` or ``party.archive``, as the actions write
    them; ``by``: (object type, id) of what wrote them (an import run), so that the history
    can name and link it; ``at``: the load's time as a database value. A created party's
    record holds no copy of its values (``party_ids``): what created it describes them, and a
    first load of a million parties should not write a million snapshots (decision 0016);
    ``changes`` hold the changed fields' values before and after.
    """
    return audit.many_rows(
        at=at, actor=actor, action=action, object_type=by[0], object_id=by[1], note=note,
        party_ids=party_ids, changes=changes,
    )  # fmt: skip


def record_history(load: BulkLoad, action: str, **records: Any) -> int:
    """Write ``history(...)`` now, in the load's transaction; returns how many records."""
    return load.append(history(load.now_db, action, **records))
