"""Writing audit records. Only actions modules (and the bulk paths, through ``record_many``)
call this, inside their transaction."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable
from contextlib import suppress
from typing import Any

import orjson
from django.db import models
from django.utils.translation import gettext_lazy as _

from verbund.core.bulk import BulkLoad, Rows
from verbund.core.formatting import user_name
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


# --- Presentation: how the history panel shows records ----------------------------------------
# Records keep internal data (keys, ids, ISO text); people read labels, names and local times.

# Object type (``app_label.model``) -> URL name taking the object's id: a record of such an
# object links to its page. Apps add theirs with ``register_object_link``.
OBJECT_LINKS: dict[str, str] = {"interfaces.importrun": "import-run"}


def register_object_link(object_type: str, url_name: str) -> None:
    OBJECT_LINKS[object_type] = url_name


ACTION_LABELS = {
    "party.create": _("Created"),
    "party.update": _("Changed"),
    "party.archive": _("Archived"),
    "party.restore": _("Restored"),
    "party.merge": _("Merged"),
    "party.unmerge": _("Merge undone"),
    "relationship.create": _("Relationship added"),
    "relationship.update": _("Relationship changed"),
    "relationship.end": _("Relationship ended"),
    "relationship.reopen": _("Relationship reopened"),
    "relationship.reassign": _("Relationship moved by a merge"),
    "activity.create": _("Activity logged"),
    "activity.update": _("Activity changed"),
    "activity.delete": _("Activity deleted"),
    "hierarchy.move": _("Moved in the hierarchy"),
    "revenue.record": _("Revenue recorded"),
    "revenue.delete": _("Revenue deleted"),
    "revenue.import": _("Revenue imported"),
    "revenue.load_lines": _("Revenue imported"),
    "revenue.main_address.set": _("Main address for central settlement set"),
    "revenue.main_address.clear": _("Main address for central settlement removed"),
    "quality.merge": _("Merged"),
    "quality.undo_merge": _("Merge undone"),
    "quality.not_duplicate": _("Marked as not a duplicate"),
    "quality.reopen_pair": _("Duplicate suggestion reopened"),
    "compliance.screen_party": _("Screened against sanctions lists"),
    "compliance.screen_run": _("Screened against sanctions lists"),
    "compliance.hit_confirm": _("Sanctions hit confirmed"),
    "compliance.hit_dismiss": _("Sanctions hit dismissed"),
    "compliance.ownership": _("Ownership screening"),
    "compliance.merge_hits": _("Sanctions hits moved by a merge"),
    "compliance.unmerge_hits": _("Sanctions hits moved back"),
    "demo.load": _("Created with the demo data"),
    "bulk.load": _("Created by a bulk load"),
}
# Families of actions named by their first part (``import.parties``, ``export.tree``, ...).
ACTION_FAMILIES = {
    "import": _("Imported"),
    "export": _("Exported"),
    "party": _("Changed"),
    "relationship": _("Relationship changed"),
    "revenue": _("Revenue changed"),
    "hierarchy": _("Hierarchy changed"),
    "compliance": _("Sanctions screening"),
    "quality": _("Duplicate check"),
    "activity": _("Activity changed"),
}
# Keys some records store that are no model field: their label and, for ids, what they name.
EXTRA_KEYS: dict[str, tuple[Any, str]] = {
    "main": (_("Main address"), "parties.party"),
    "on": (_("Date"), ""),
    "tags": (_("Tags"), ""),
}
HIDDEN_CHANGES = {
    "updated_at", "created_at", "search_text", "phonetic", "id",
    # A merge's own keys: its record links the merge, its app describes it (describe_history).
    "merge", "merge_summary",
}  # fmt: skip


def register_actions(family: str, family_label: Any, labels: dict[str, Any]) -> None:
    """Let an app above core name its records in words (from its ``ready()``, as it registers
    object links): ``family_label`` for any ``family.*`` action, ``labels`` for single ones.
    An app names only its own family, so it cannot relabel another's records."""
    if stray := [a for a in labels if not a.startswith(family + ".")]:
        raise ValueError(f"actions outside the family {family!r}: {stray}")
    ACTION_FAMILIES.setdefault(family, family_label)
    ACTION_LABELS.update(labels)


def action_label(action: str) -> str:
    """A readable, translated name for an audit action; never the internal key."""
    label = ACTION_LABELS.get(action) or ACTION_FAMILIES.get(action.split(".", 1)[0])
    return str(label) if label is not None else str(_("Changed"))


def object_link(object_type: str, object_id: str) -> str:
    """The page of a record's object, when its type registered one (else "")."""
    from django.urls import NoReverseMatch, reverse

    url_name = OBJECT_LINKS.get(object_type)
    if not url_name or not object_id:
        return ""
    try:
        return reverse(url_name, args=[int(object_id) if object_id.isdigit() else object_id])
    except NoReverseMatch:
        return ""


def _model(object_type: str) -> type[models.Model] | None:
    from django.apps import apps

    try:
        return apps.get_model(object_type) if "." in object_type else None
    except (LookupError, ValueError):
        return None


def _fields(model: type[models.Model] | None) -> dict[str, models.Field[Any, Any]]:
    if model is None:
        return {}
    return {f.attname: f for f in model._meta.concrete_fields}


def _related_label(field: models.Field[Any, Any] | None) -> str:
    """``app_label.model`` of the model a foreign key points to ("" for other fields)."""
    model = field.related_model if field is not None and field.is_relation else None
    return model._meta.label_lower if isinstance(model, type) else ""


def show_value(
    value: Any, field: models.Field[Any, Any] | None, names: dict[tuple[str, Any], str]
) -> str:
    """One stored value as a person reads it, in the active language and time zone."""
    from django.utils import formats, timezone

    if value is None or value == "" or value == []:
        return "—"
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    related = _related_label(field)
    if related:
        return names.get((related, value), str(value))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, int | float | decimal.Decimal) or (
        isinstance(field, models.DecimalField | models.IntegerField | models.FloatField)
    ):
        with suppress(decimal.InvalidOperation, ValueError, TypeError):
            return formats.number_format(
                decimal.Decimal(str(value)), use_l10n=True, force_grouping=True
            )
    if isinstance(value, list):
        return ", ".join(show_value(v, None, names) for v in value) or "—"
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[:4].isdigit():
        with suppress(ValueError):
            if len(value) == 10:
                return formats.date_format(dt.date.fromisoformat(value), "SHORT_DATE_FORMAT")
            moment = dt.datetime.fromisoformat(value)
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return formats.date_format(moment, "SHORT_DATETIME_FORMAT")
    return str(value)


def present_history(records: Iterable[AuditRecord]) -> None:
    """Give each record what the history panel shows: ``label`` (the action's name), ``link``
    (its object's page, "" without one) and ``changes`` (label, old, new) with field labels,
    choice labels, names for ids and local dates. Names are looked up in one query per model.

    A key is labelled by the record's object's field, else ``EXTRA_KEYS``, else the party's
    field of that name (a merge records the kept party's values on the merge); a key none of
    them names is not shown: the panel never shows an internal key. A key the record's
    ``after`` does not hold was not recorded, not emptied (only a deletion, ``after`` None,
    empties its ``before``)."""
    records = list(records)
    wanted: dict[str, set[Any]] = {}
    plans: list[tuple[AuditRecord, list[tuple[str, Any, Any, Any, str]]]] = []
    party_fields = _fields(_model("parties.party"))
    for rec in records:
        plan: list[tuple[str, Any, Any, Any, str]] = []
        plans.append((rec, plan))
        if not rec.before:
            continue  # a creation: its action and object say what happened
        fields = _fields(_model(rec.object_type))
        for key, old, new in rec.changed_fields():
            if key in HIDDEN_CHANGES or (rec.after is not None and key not in rec.after):
                continue
            if isinstance(old, dict) or isinstance(new, dict):
                continue  # a nested record (a merge's chosen values): its app tells it
            field = fields.get(key)
            target = ""
            if field is None and key not in EXTRA_KEYS:
                field = party_fields.get(key)
            if field is not None:
                label: Any = field.verbose_name
                target = _related_label(field)
            elif key in EXTRA_KEYS:
                label, target = EXTRA_KEYS[key]
            else:
                continue
            for v in (old, new):
                if target and v not in (None, ""):
                    wanted.setdefault(target, set()).add(v)
            plan.append((str(label), old, new, field, target))
    names = _names(wanted)
    for rec, plan in plans:
        rec.label = action_label(rec.action)  # type: ignore[attr-defined]
        rec.link = object_link(rec.object_type, rec.object_id)  # type: ignore[attr-defined]
        changes = []
        for label, old, new, field, target in plan:
            if target and field is None:
                show_old = names.get((target, old), show_value(old, None, names))
                show_new = names.get((target, new), show_value(new, None, names))
            else:
                show_old, show_new = show_value(old, field, names), show_value(new, field, names)
            changes.append((label[:1].upper() + label[1:], show_old, show_new))
        rec.changes = changes  # type: ignore[attr-defined]


def _names(wanted: dict[str, set[Any]]) -> dict[tuple[str, Any], str]:
    """``(model label, id) -> name``: users by full name (else user name), parties by their
    display name, anything else by ``str``."""
    names: dict[tuple[str, Any], str] = {}
    for label, ids in wanted.items():
        model = _model(label)
        if model is None:
            continue
        keys = {int(i) for i in ids if str(i).isdigit()}
        for pk, obj in model._default_manager.in_bulk(keys).items():
            name = (
                user_name(obj)
                if hasattr(obj, "get_username")
                else str(getattr(obj, "display_name", None) or obj)
            )
            names[(label, pk)] = name
            names[(label, str(pk))] = name
    return names
