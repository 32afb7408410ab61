"""Writing audit records. Only actions modules call this, inside their transaction."""

import datetime as dt
import decimal
from collections.abc import Iterable
from typing import Any

from django.db import models

from verbund.core.models import AuditRecord


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    return value


def snapshot(obj: models.Model, exclude: Iterable[str] = ()) -> dict[str, Any]:
    """The concrete field values of ``obj`` as JSON-ready data (foreign keys as ids)."""
    skip = set(exclude)
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in skip:
            continue
        data[field.attname] = _jsonable(getattr(obj, field.attname))
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
