"""Link changes: what a run does to the links it owns, checked as a batch, written in bulk.

A ``LinkChange`` replaces a child's current link of a type by one to another party (or ends
it). Party files produce them from their ``parent`` / ``main_address`` fields, relationship
files from their rows. The hierarchy rules are checked for the whole batch by
``hierarchies.batch.check_batch``; the writes go through ``relationships.bulk``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection

from verbund.core.bulk import BulkLoad, chunks, stream, update_by_id
from verbund.hierarchies.batch import check_batch
from verbund.interfaces.engine.results import SUMMARY_LIMIT, Abort, Context, Issue, Outcome
from verbund.interfaces.engine.values import as_date, db_date
from verbund.relationships.bulk import RELATIONSHIP_COLUMNS, RELATIONSHIP_TABLE, RelationshipWriter
from verbund.relationships.models import RelationshipType, Structure
from verbund.relationships.rules import share_key

RT = RELATIONSHIP_TABLE
# The order of the link tuples written in bulk: the table's own, so they pass through as they are.
LINK_ORDER = (
    "type_id", "from_party_id", "to_party_id", "valid_from", "valid_to", "share", "source",
    "external_ref", "note", "created_at", "updated_at",
)  # fmt: skip
assert LINK_ORDER == RELATIONSHIP_COLUMNS, "link tuples must follow the table's columns"


@dataclass(slots=True)
class LinkChange:
    """Replace the import's current link of ``child`` (``current``) by one to ``target``.

    ``current`` is (rel id, to id, valid_from, share) or None; ``target`` None ends it.
    """

    row: int
    key: str
    rtype: RelationshipType
    child: int
    target: int | None
    current: tuple[int, int, dt.date | None, str] | None
    share: str | None
    source: str
    external_ref: str
    child_created: bool
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    note: str = ""
    # Only the link's dates/share change: update in place (relationship files).
    in_place: bool = False

    @property
    def current_parent(self) -> int | None:
        return self.current[1] if self.current is not None else None


def managed_links(
    type_id: int, external_ref: str, today: dt.date, child_ids: list[int] | None
) -> dict[int, tuple[int, int, dt.date | None, str]]:
    """The import's links of one kind that are valid today or later, by child."""
    sql = f"SELECT from_party_id, id, to_party_id, valid_from, share FROM {RT} WHERE type_id = %s AND external_ref = %s AND (valid_to IS NULL OR valid_to >= %s)"
    result: dict[int, tuple[int, int, dt.date | None, str]] = {}
    if child_ids is None:
        for rec in stream(sql, [type_id, external_ref, today]):
            result[rec[0]] = (rec[1], rec[2], as_date(rec[3]), share_key(rec[4]))
        return result
    for chunk in chunks(child_ids, 900):
        marks = ", ".join(["%s"] * len(chunk))
        with connection.cursor() as cur:
            cur.execute(
                sql + f" AND from_party_id IN ({marks})", [type_id, external_ref, today, *chunk]
            )
            for rec in cur.fetchall():
                result[rec[0]] = (rec[1], rec[2], as_date(rec[3]), share_key(rec[4]))
    return result


def check_hierarchy(changes: list[LinkChange], ctx: Context, out: Outcome) -> set[int]:
    """The hierarchy rules for the batch (``hierarchies.batch``), each refusal reported as an
    issue on the row's ``to`` (``parent`` / ``main_address`` in party files). Returns the indexes of the changes that fail; an all-or-nothing
    run with a refusal stops here (``Abort``)."""
    bad = check_batch(changes, ctx.today)
    for i, (target, reason) in bad.items():
        ch = changes[i]
        out.error(Issue(ch.row, _issue_field(ch.external_ref), target, reason, ch.key))
    if bad and ctx.atomic:
        raise Abort(out)
    return set(bad)


def _issue_field(external_ref: str) -> str:
    """The column a refused link came from: a party file's ``parent`` or ``main_address``
    (its links are ``<source>/parent`` and ``<source>/main``), else a relationship file's ``to``."""
    if external_ref.endswith("/parent"):
        return "parent"
    if external_ref.endswith("/main"):
        return "main_address"
    return "to"


class LinkWriter:
    """One apply run's relationship writes, shared by party files and relationship files.

    ``write(rows)`` streams the new links (tuples from ``create``) through one bulk insert, so
    a large import never holds them all and preparing them overlaps with writing them; ends
    and in-place updates are collected meanwhile and written by ``finish``. ``create`` and
    ``end`` count into ``out``; what the caller reports besides differs per file kind.
    """

    def __init__(self, out: Outcome, rebuild_indexes: bool = False) -> None:
        self.out = out
        self.rebuild_indexes = rebuild_indexes
        self.load = BulkLoad()
        self.now_db = self.load.now_db
        self.ends: list[tuple[Any, Any, int]] = []
        self.updates: list[tuple[Any, ...]] = []

    def update(self, link_id: int, *values: Any) -> None:
        """Change the link in place; ``values`` follow the columns given to ``finish``."""
        self.updates.append((*values, self.now_db, link_id))

    def end(self, link_id: int, on: dt.date) -> None:
        self.ends.append((db_date(on), self.now_db, link_id))
        self.out.counts["links_ended"] += 1

    def create(self, ch: LinkChange, target: int, valid_from: dt.date | None) -> tuple[Any, ...]:
        frm, to = ch.child, target
        if ch.rtype.symmetric and frm > to:
            frm, to = to, frm
        self.out.counts["links_created"] += 1
        return (
            ch.rtype.pk,
            frm,
            to,
            db_date(valid_from),
            db_date(ch.valid_to),
            ch.share or None,
            ch.source,
            ch.external_ref,
            ch.note,
            self.now_db,
            self.now_db,
        )

    def write(self, rows: Iterator[tuple[Any, ...]]) -> None:
        RelationshipWriter(self.load).insert(
            rows, LINK_ORDER, complete=True, rebuild_indexes=self.rebuild_indexes
        )

    def touch(self, ch: LinkChange) -> None:
        """Mark the hierarchy the change belongs to for the closure upkeep after the import."""
        if ch.rtype.structure == Structure.HIERARCHY:
            self.out.touch(ch.rtype.key, ch.rtype.pk, ch.child)

    def finish(self, update_columns: tuple[str, ...]) -> None:
        update_by_id(RT, ["valid_to", "updated_at"], self.ends)
        update_by_id(RT, [*update_columns, "updated_at"], self.updates)


def apply_link_changes(
    changes: list[LinkChange],
    ctx: Context,
    out: Outcome,
    rebuild_indexes: bool = False,
) -> None:
    """Write the link changes of a party file. ``rebuild_indexes``: a first load, whose links
    are written into a relationship table that holds few rows, with its indexes built after."""
    if not changes:
        return
    bad = check_hierarchy(changes, ctx, out)
    today = ctx.today
    yesterday = today - dt.timedelta(days=1)
    writer = LinkWriter(out, rebuild_indexes=rebuild_indexes)

    def creates() -> Iterator[tuple[Any, ...]]:
        for i, ch in enumerate(changes):
            if i in bad:
                continue
            start = ch.valid_from
            if ch.current is not None:
                cur_from = ch.current[2]
                end = yesterday
                if cur_from is not None and cur_from >= today:
                    # A link that began today ends today; its successor starts tomorrow.
                    end = cur_from
                    start = cur_from + dt.timedelta(days=1)
                writer.end(ch.current[0], end)
                if len(out.ended) < SUMMARY_LIMIT:
                    out.ended.append(f"{ch.key}: {ch.rtype.key} -> #{ch.current[1]}")
            writer.touch(ch)
            if ch.target is not None:
                yield writer.create(ch, ch.target, start)

    writer.write(creates())
    writer.finish(("valid_from", "valid_to", "share"))
    if out.counts["errors"] and ctx.atomic:
        raise Abort(out)


def apply_relationship_changes(changes: list[LinkChange], ctx: Context, out: Outcome) -> None:
    """Write links from relationship rows: explicit dates, ended links end today or yesterday."""
    if not changes:
        return
    bad = check_hierarchy(changes, ctx, out)
    today = ctx.today
    writer = LinkWriter(out)

    def creates() -> Iterator[tuple[Any, ...]]:
        for i, ch in enumerate(changes):
            if i in bad:
                continue
            writer.touch(ch)
            if ch.in_place and ch.current is not None:
                writer.update(
                    ch.current[0], db_date(ch.valid_from), db_date(ch.valid_to), ch.share, ch.note
                )
            elif ch.target is None and ch.current is not None:
                cur_from = ch.current[2]
                end = today - dt.timedelta(days=1)
                if cur_from is not None and cur_from > end:
                    end = cur_from
                writer.end(ch.current[0], end)
                if len(out.ended) < SUMMARY_LIMIT:
                    out.ended.append(ch.key)
                out.outcome(ch.key, "ended")
            elif ch.target is not None:
                yield writer.create(ch, ch.target, ch.valid_from)

    writer.write(creates())
    # Relationship files carry a note per link, so an in-place update rewrites it too.
    writer.finish(("valid_from", "valid_to", "share", "note"))
