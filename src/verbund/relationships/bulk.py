"""Relationships written in bulk, and ``do_bulk_load`` for loads of parties and their links.

``RelationshipWriter`` writes links through a ``core.bulk.BulkLoad``: rows completed with
the model defaults, type keys turned into ids. The rules a link must pass are
``relationships.rules`` and, for hierarchies, ``hierarchies.rules`` / ``hierarchies.batch``
(callers check them first); the closure is kept by ``hierarchies.engine`` afterwards.

``do_bulk_load(fill)`` is the one transaction of a load of parties with the links between
them (demo data, benchmarks)::

    from verbund.relationships.bulk import Load, do_bulk_load

    def fill(load: Load) -> range:
        ids = load.insert_parties([{"name": "Muster GmbH", "city": "Köln", "postcode": "50667"}])
        load.insert_relationships([{"type": "group", "from_party_id": ids[0], "to_party_id": 42}])
        return ids

    ids = do_bulk_load(fill, actor=user, action="import.bulk", note="Erstimport SAP")

It writes one audit record naming the id ranges and counts and sends ``parties.signals.
bulk_loaded``. What it does not do: hierarchy checks (the rows must form trees: one parent per
child and date, no cycle) and closure upkeep (call ``hierarchies.engine.rebuild_closure()``
afterwards, in ``fill``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar, cast

from django.db import transaction

from verbund.core import audit
from verbund.core.bulk import BulkLoad, column_defaults, complete_rows, table_columns
from verbund.parties.bulk import PartyWriter
from verbund.parties.models import Party
from verbund.parties.signals import bulk_loaded
from verbund.relationships.models import Relationship, RelationshipType

T = TypeVar("T")
RELATIONSHIP_TABLE = Relationship._meta.db_table
RELATIONSHIP_COLUMNS: tuple[str, ...] = table_columns(Relationship)


class RelationshipWriter:
    """The links of one bulk load."""

    def __init__(self, load: BulkLoad) -> None:
        self.load = load
        self._type_ids: dict[str, int] | None = None
        self._defaults = column_defaults(Relationship)

    @property
    def ids(self) -> list[range]:
        return self.load.ids(RELATIONSHIP_TABLE)

    def type_id(self, key: str) -> int:
        """The id of the relationship type with ``key``."""
        if self._type_ids is None:
            with self.load.db_lock:
                self._type_ids = dict(RelationshipType.objects.values_list("key", "id"))
        return self._type_ids[key]

    def insert(
        self,
        rows: Iterable[Mapping[str, Any] | Sequence[Any]],
        columns: Sequence[str] | None = None,
        *,
        rebuild_indexes: bool = False,
        complete: bool = False,
    ) -> range:
        """Insert relationships; return their ids in row order.

        ``rows``: dicts keyed by column name (``type`` may be a type key instead of
        ``type_id``) or tuples in the order of ``columns`` (default ``RELATIONSHIP_COLUMNS``);
        missing columns take the model defaults. ``complete``: the rows are full tuples in the
        order of ``RELATIONSHIP_COLUMNS`` with type ids and timestamps, written as they are.
        Symmetric types must already have the smaller party id on the from-side.
        """
        cols = tuple(columns or RELATIONSHIP_COLUMNS)
        # The fast path: complete tuples in table order with type ids pass through unchanged.
        prepared = cast(Iterable[Sequence[Any]], rows) if complete else self._rows(rows, cols)
        return self.load.write(
            RELATIONSHIP_TABLE, RELATIONSHIP_COLUMNS, prepared, rebuild_indexes=rebuild_indexes
        )

    def _rows(
        self, rows: Iterable[Mapping[str, Any] | Sequence[Any]], cols: tuple[str, ...]
    ) -> Iterator[Sequence[Any]]:
        i_type = RELATIONSHIP_COLUMNS.index("type_id")

        def keyed(row: Mapping[str, Any]) -> Mapping[str, Any]:
            if "type" in row and "type_id" not in row:
                row = {k: v for k, v in row.items() if k != "type"} | {
                    "type_id": self.type_id(row["type"])
                }
            return row

        source = (keyed(r) if isinstance(r, Mapping) else r for r in rows)
        full = complete_rows(source, cols, RELATIONSHIP_COLUMNS, self._defaults, self.load.now_db)
        for row in full:
            if isinstance(row[i_type], str):
                row[i_type] = self.type_id(row[i_type])
            yield row


class Load(BulkLoad):
    """The handle ``do_bulk_load`` gives ``fill``: parties, tags and links of one load."""

    def __init__(self) -> None:
        super().__init__()
        self.parties = PartyWriter(self)
        self.links = RelationshipWriter(self)

    @property
    def party_ids(self) -> list[range]:
        return self.parties.ids

    @property
    def relationship_ids(self) -> list[range]:
        return self.links.ids

    @property
    def tag_links(self) -> int:
        return self.parties.tag_links

    def insert_parties(self, *args: Any, **kwargs: Any) -> range:
        """``PartyWriter.insert``."""
        return self.parties.insert(*args, **kwargs)

    def insert_relationships(self, *args: Any, **kwargs: Any) -> range:
        """``RelationshipWriter.insert``."""
        return self.links.insert(*args, **kwargs)

    def insert_party_tags(self, pairs: Iterable[tuple[int, int]]) -> int:
        return self.parties.insert_tags(pairs)

    def tag_ids(self, names: Iterable[str]) -> dict[str, int]:
        return self.parties.tag_ids(names)

    def type_id(self, key: str) -> int:
        return self.links.type_id(key)

    def reserve_numbers(self, count: int) -> int:
        return self.parties.reserve_numbers(count)

    def take_numbers(self, count: int) -> int:
        return self.parties.take_numbers(count)

    def release_numbers(self) -> None:
        self.parties.release_numbers()

    def next_party_id(self) -> int:
        return self.parties.next_id()


@transaction.atomic
def do_bulk_load(
    fill: Callable[[Load], T],
    *,
    actor: Any = None,
    action: str = "bulk.load",
    note: str = "",
    details: Mapping[str, Any] | None = None,
) -> T:
    """Run ``fill(load)`` in one transaction and write one audit record for everything it wrote.

    ``fill`` calls ``load.insert_parties`` / ``insert_relationships`` / ``insert_party_tags``
    as often as it likes; its return value is returned. The audit record (``action``,
    object type ``parties.party``) names the id ranges and counts, plus ``details``; then
    ``bulk_loaded`` tells the receivers.
    """
    load = Load()
    result = fill(load)
    party_count = sum(len(r) for r in load.party_ids)
    rel_count = sum(len(r) for r in load.relationship_ids)
    summary: dict[str, Any] = {
        "parties": party_count,
        "relationships": rel_count,
        "tag_links": load.tag_links,
        "party_ids": [[r.start, r.stop - 1] for r in load.party_ids if len(r)],
        "relationship_ids": [[r.start, r.stop - 1] for r in load.relationship_ids if len(r)],
        **(details or {}),
    }
    first_party = load.party_ids[0].start if load.party_ids and len(load.party_ids[0]) else ""
    audit.record(
        actor=actor,
        action=action,
        object_type=Party._meta.label_lower,
        object_id=first_party,
        after=summary,
        note=note,
    )
    bulk_loaded.send(
        sender=Load,
        party_ids=load.party_ids,
        relationship_ids=load.relationship_ids,
        action=action,
        links_changed=rel_count > 0,
    )
    return result
