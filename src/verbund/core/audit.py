"""Writing audit records. Only actions modules (and the bulk paths, through ``record_many``)
call this, inside their transaction."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable
from typing import Any

import orjson
from django.db import models

from verbund.core.bulk import BulkLoad, Rows
from verbund.core.models import AuditRecord


def jsonable(value: Any) -> Any:
    """``value`` as the audit trail stores it: dates as ISO text, decimals as text, model
    instances as their primary key."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    return value


# The name this module used before it was public (quality.actions still imports it).
_jsonable = jsonable


def snapshot(obj: models.Model, exclude: Iterable[str] = ()) -> dict[str, Any]:
    """The concrete field values of ``obj`` as JSON-ready data (foreign keys as ids)."""
    skip = set(exclude)
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in skip:
            continue
        data[field.attname] = jsonable(getattr(obj, field.attname))
    return data


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    party_id: int | None = None,
    note: str = "",
) -> AuditRecord:
    """Add one audit record. ``actor`` may be a user, None (system) or an anonymous user."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id if object_id is not None else obj.pk
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditRecord.objects.create(
        actor=user,
        action=action,
        object_type=object_type or "",
        object_id=str(object_id or ""),
        object_repr=str(obj)[:300] if obj is not None else "",
        party_id=party_id,
        before=before,
        after=after,
        note=note,
    )


def many_rows(
    *,
    actor: Any,
    action: str,
    object_type: str = "",
    object_id: Any = "",
    note: str = "",
    party_ids: Iterable[int] = (),
    changes: Iterable[tuple[int, dict[str, Any] | None, dict[str, Any] | None]] | None = None,
    at: Any,
) -> Rows:
    """Audit records, one per party, as rows for the bulk writer (``BulkLoad.append`` or a
    ``write``'s companion): each party's history shows the write (``party_id``), all records
    share ``action``, ``actor``, ``note``, the time ``at`` (a database value) and the object
    that did it (``object_type`` / ``object_id``, e.g. the import run).

    ``party_ids``: records without before/after (a creation whose values the object
    describes): one value a row. ``changes``: ``(party_id, before, after)``.
    """
    user = actor if getattr(actor, "is_authenticated", False) else None
    shared: dict[str, Any] = {
        "at": at,
        "actor_id": user.pk if user is not None else None,
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id or ""),
        "object_repr": "",
        "note": note,
    }
    table = AuditRecord._meta.db_table
    if changes is None:
        return Rows(table, ("party_id",), ((pid,) for pid in party_ids),
                    {**shared, "before": None, "after": None})  # fmt: skip
    return Rows(
        table,
        ("party_id", "before", "after"),
        # orjson: a change record per changed party of a big run, where json.dumps cost more
        # than writing the row.
        (
            (pid, None if b is None else _json(b), None if a is None else _json(a))
            for pid, b, a in changes
        ),
        shared,
    )


def _json(value: dict[str, Any]) -> str:
    return orjson.dumps(value).decode()


def record_many(load: BulkLoad, **records: Any) -> int:
    """Write ``many_rows(**records)`` in bulk, in the load's transaction; returns how many.
    Ids come from the database, so the audit table stays open to every other writer."""
    return load.append(many_rows(at=load.now_db, **records))
