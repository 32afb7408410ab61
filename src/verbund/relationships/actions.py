"""Every write to relationship types and relationships. Atomic, audited.

The rules of a single link and their messages are ``relationships.rules`` (shared with the
bulk paths). Hierarchy types get their extra rules (one parent at any date, no cycle; messages
in ``hierarchies.rules``) and their closure upkeep from ``verbund.hierarchies.engine``, called
here inside the same transaction: lock, then check, then write. A link that stored links refuse
(the same link open or overlapping, a second parent, a cycle) is a ``core.errors.Conflict``.
"""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from verbund.core import audit
from verbund.core.errors import Conflict, refuse
from verbund.core.serializers import UNKNOWN_FIELD
from verbund.hierarchies import engine
from verbund.parties.models import Party
from verbund.relationships import rules
from verbund.relationships.models import (
    MIN_DATE,
    Relationship,
    RelationshipSource,
    RelationshipType,
    overlaps_q,
)
from verbund.relationships.signals import relationship_saved

TYPE_FIELDS = [
    "key", "label_forward_de", "label_forward_en", "label_inverse_de", "label_inverse_en", "name_de",
    "name_en", "symmetric", "structure", "from_kind", "to_kind", "rolls_up_revenue", "carries_share",
    "active", "order", "colour",
]  # fmt: skip
# Fields that change what existing relationships mean; locked once a type is in use.
TYPE_SHAPE_FIELDS = {"symmetric", "structure", "from_kind", "to_kind", "carries_share"}


# --- relationship types -------------------------------------------------------------------

COLOUR_FORM = re.compile(r"^#[0-9a-fA-F]{6}$")


def _validate_type(rtype: RelationshipType) -> None:
    errors: dict[str, list[str]] = {}
    try:
        rtype.full_clean(validate_unique=True)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if rtype.colour and not COLOUR_FORM.match(rtype.colour):
        errors.setdefault("colour", []).append(
            _("%(value)s is not a colour like #1f4e79.") % {"value": rtype.colour}
        )
    if rtype.symmetric and rtype.structure == "hierarchy":
        errors.setdefault("symmetric", []).append(_("A hierarchy cannot be symmetric."))
    if rtype.symmetric and rtype.from_kind != rtype.to_kind:
        errors.setdefault("to_kind", []).append(
            _("Both sides of a symmetric type must allow the same kinds.")
        )
    if not rtype.symmetric and not (rtype.label_inverse_de and rtype.label_inverse_en):
        errors.setdefault("label_inverse_de", []).append(
            _("A type that is not symmetric needs inverse labels.")
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def do_create_relationship_type(*, actor: Any, **data: Any) -> RelationshipType:
    unknown = set(data) - set(TYPE_FIELDS)
    if unknown:
        raise ValidationError({f: UNKNOWN_FIELD for f in sorted(unknown)})
    rtype = RelationshipType(**data)
    _validate_type(rtype)
    rtype.save()
    audit.record(
        actor=actor, action="relationship_type.create", obj=rtype, after=audit.snapshot(rtype)
    )
    return rtype


@transaction.atomic
def do_update_relationship_type(
    rtype: RelationshipType, *, actor: Any, **changes: Any
) -> RelationshipType:
    """Edit a type. Its shape (symmetric, structure, kinds, shares) is fixed once it is in use:
    changing it then is a ``Conflict``, unless the request has faults of its own."""
    unknown = set(changes) - set(TYPE_FIELDS)
    if unknown:
        raise ValidationError({f: UNKNOWN_FIELD for f in sorted(unknown)})
    rtype = RelationshipType.objects.select_for_update().get(pk=rtype.pk)
    before = audit.snapshot(rtype)
    in_use = rtype.relationships.exists()
    errors: dict[str, list[str]] = {}
    # The stored relationships refuse a change of shape, not the request (a 409 in the API):
    # the same change succeeds once the type is unused.
    conflicts: dict[str, list[str]] = {}
    for field, value in changes.items():
        if field in TYPE_SHAPE_FIELDS and in_use and getattr(rtype, field) != value:
            conflicts[field] = [_("Cannot change this while relationships of the type exist.")]
            continue  # the rest of the request is checked as if it left the shape alone
        if field == "key" and rtype.builtin and value != rtype.key:
            errors[field] = [_("The key of a built-in type cannot change.")]
        setattr(rtype, field, value)
    if not errors:
        try:
            _validate_type(rtype)
        except ValidationError as exc:
            errors = exc.message_dict
    refuse(errors, conflicts)
    rtype.save()
    after = audit.snapshot(rtype)
    if after != before:
        audit.record(
            actor=actor, action="relationship_type.update", obj=rtype, before=before, after=after
        )
    return rtype


def do_deactivate_relationship_type(
    rtype: RelationshipType, *, actor: Any, active: bool = False
) -> RelationshipType:
    """Deactivated types keep their relationships but accept no new ones."""
    return do_update_relationship_type(rtype, actor=actor, active=active)


@transaction.atomic
def do_delete_relationship_type(rtype: RelationshipType, *, actor: Any) -> None:
    rtype = RelationshipType.objects.select_for_update().get(pk=rtype.pk)
    if rtype.relationships.exists():
        raise Conflict(
            {
                "type": [
                    _("Type %(name)s is in use and cannot be deleted; deactivate it instead.")
                    % {"name": rtype.name}
                ]
            }
        )
    if rtype.builtin:
        # The imports, the settlement and the hierarchy pages look the built-in types up by
        # key: without them they fail. Unused, one is deactivated, never deleted.
        raise ValidationError(
            {
                "type": [
                    _("Type %(name)s is built in and cannot be deleted; deactivate it instead.")
                    % {"name": rtype.name}
                ]
            }
        )
    before = audit.snapshot(rtype)
    pk = rtype.pk
    rtype.delete()
    audit.record(
        actor=actor,
        action="relationship_type.delete",
        object_type="relationships.relationshiptype",
        object_id=pk,
        before=before,
    )


# --- relationships ------------------------------------------------------------------------


def _as_date(value: Any, field: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(
            {field: [_("%(value)s is not a date (YYYY-MM-DD).") % {"value": value}]}
        ) from None


def _as_share(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        share = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError({"share": [rules.not_a_number(value)]}) from None
    if not share.is_finite():
        raise ValidationError({"share": [rules.not_a_number(value)]})
    return share


def relationship_refusals(
    rel: Relationship, *, exclude_pk: int | None = None
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """The refusals of a single relationship but the hierarchy rules, each naming its field:
    the link's own faults, and its conflicts with the same link stored (already open, or
    overlapping validity), which stored data refuses, not the request (decision 0038,
    revision 2). The rules themselves (and their messages) are ``relationships.rules``,
    which the bulk paths call too."""
    rtype = rel.type
    errors: dict[str, list[str]] = {}
    conflicts: dict[str, list[str]] = {}

    def add(field: str, message: str | None) -> None:
        if message:
            errors.setdefault(field, []).append(message)

    add("to_party", rules.self_link_error(rel.from_party_id, rel.to_party_id))
    add("from_party", rules.side_kind_error(rtype.from_kind, rel.from_party.kind, rtype.name))
    add("to_party", rules.side_kind_error(rtype.to_kind, rel.to_party.kind, rtype.name))
    add("valid_to", rules.dates_error(rel.valid_from, rel.valid_to))
    add("share", rules.share_error(rel.share, rtype.carries_share, rtype.name))
    for field, party in (("from_party", rel.from_party), ("to_party", rel.to_party)):
        if party.merged_into_id:
            add(
                field,
                _("%(party)s was merged into another party; use the surviving record.")
                % {"party": party.number},
            )
    if rel.source not in RelationshipSource.values:
        add("source", _("%(value)s is not a known source.") % {"value": rel.source})
    # Lengths and number formats, as the database would enforce them (PostgreSQL refuses an
    # overlong value with an error, SQLite would silently store it).
    try:
        rel.full_clean(
            exclude=["type", "from_party", "to_party", "source"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            for message in messages:
                if message not in errors.get(field, []):
                    add(field, message)
    if _comparable(rel, errors):
        same = Relationship.objects.filter(
            type=rtype, from_party_id=rel.from_party_id, to_party_id=rel.to_party_id
        )
        if exclude_pk:
            same = same.exclude(pk=exclude_pk)
        clash = same.filter(overlaps_q(rel.valid_from, rel.valid_to)).first()
        if clash:
            if clash.valid_to is None and rel.valid_to is None:
                conflicts["to_party"] = [rules.same_link_open(clash.valid_from)]
            else:
                conflicts["valid_from"] = [
                    rules.same_link_overlap(clash.valid_from, clash.valid_to)
                ]
    return errors, conflicts


def _comparable(rel: Relationship, errors: dict[str, list[str]]) -> bool:
    """Whether the link can be compared with stored links: two parties and an interval. A
    self-link or an end before the start has neither; any other fault leaves them."""
    return rel.from_party_id != rel.to_party_id and "valid_to" not in errors


def validate_relationship(rel: Relationship, *, exclude_pk: int | None = None) -> None:
    """Every rule of a single relationship, for hierarchy types their rules too (one parent
    at any date, no cycle: ``engine.check_link``, after ``engine.lock_for_write``); errors
    name the field.

    A link that is fine in itself but meets stored links (the same link open or overlapping,
    a second parent, a cycle) is a ``Conflict`` (the API's 409); beside faults of its own it
    is bad input naming every field (``core.errors.refuse``)."""
    errors, conflicts = relationship_refusals(rel, exclude_pk=exclude_pk)
    # The same link stored is a second parent too: one message for it.
    if rel.type.is_hierarchy and not conflicts and _comparable(rel, errors):
        try:
            engine.check_link(rel)
        except Conflict as exc:
            conflicts = exc.message_dict
    refuse(errors, conflicts)


def resolve_type(value: "RelationshipType | str") -> RelationshipType:
    """The type itself, or the type with this key; an unknown key is a validation error on ``type``."""
    if isinstance(value, RelationshipType):
        return value
    key = str(value).strip()
    rtype = (
        RelationshipType.objects.filter(key=key).first() if rules.could_be_type_key(key) else None
    )
    if rtype is None:
        raise ValidationError({"type": [rules.unknown_type(str(value))]})
    return rtype


def _lock_parties(party_ids: list[int]) -> None:
    """Serialise writers of links between the same parties, so the duplicate and overlap
    checks hold under concurrency on PostgreSQL (SQLite serialises writers already).
    Hierarchy types take the engine's locks instead."""
    list(
        Party.objects.select_for_update()
        .filter(pk__in=sorted(set(party_ids)))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _audit_party_ids(rel: Relationship) -> tuple[int, int]:
    return rel.from_party_id, rel.to_party_id


def _record(
    actor: Any,
    action: str,
    rel: Relationship,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    note: str = "",
) -> None:
    """Audit a written link and tell the other domains (``signals.relationship_saved``)."""
    # One record per side, so each party's history shows the link.
    for party_id in _audit_party_ids(rel):
        audit.record(
            actor=actor,
            action=action,
            obj=rel,
            before=before,
            after=after,
            party_id=party_id,
            note=note,
        )
    relationship_saved.send(sender=Relationship, relationship=rel, action=action, actor=actor)


@transaction.atomic
def do_create_relationship(
    *,
    actor: Any,
    type: RelationshipType | str,
    from_party: Party,
    to_party: Party,
    valid_from: Any = None,
    valid_to: Any = None,
    share: Any = None,
    source: str = RelationshipSource.MANUAL,
    external_ref: str = "",
    note: str = "",
) -> Relationship:
    """Link two parties. Hierarchy types are locked, checked (one parent, no cycle), then written."""
    rtype = resolve_type(type)
    inactive = rules.inactive_type_error(rtype.active, rtype.name)
    if inactive:
        raise ValidationError({"type": [inactive]})
    if rtype.symmetric and from_party.pk > to_party.pk:
        from_party, to_party = to_party, from_party
    if not rtype.is_hierarchy:
        _lock_parties([from_party.pk, to_party.pk])
    rel = Relationship(
        type=rtype,
        from_party=from_party,
        to_party=to_party,
        valid_from=_as_date(valid_from, "valid_from"),
        valid_to=_as_date(valid_to, "valid_to"),
        share=_as_share(share),
        source=source or RelationshipSource.MANUAL,
        external_ref=external_ref or "",
        note=note or "",
    )
    if rtype.is_hierarchy:
        engine.lock_for_write(rtype, [from_party.pk, to_party.pk])
    validate_relationship(rel)
    rel.save()
    if rtype.is_hierarchy:
        engine.after_link_changed(rel, before=None)
    _record(actor, "relationship.create", rel, None, audit.snapshot(rel))
    return rel


EDITABLE_RELATIONSHIP_FIELDS = {"valid_from", "valid_to", "share", "note", "external_ref", "source"}


def _lock_link(rel: Relationship) -> Relationship:
    """Take a stored link's locks and read it anew (the row locked, with its type and parties)."""
    if not rel.type.is_hierarchy:
        _lock_parties([rel.from_party_id, rel.to_party_id])
    else:
        # The type lock comes before the row lock, in every writer, so no two writers deadlock.
        engine.lock_for_write(rel.type, [rel.from_party_id, rel.to_party_id])
    return (
        Relationship.objects.select_for_update()
        .select_related("type", "from_party", "to_party")
        .get(pk=rel.pk)
    )


def _write_checked(
    rel: Relationship, before: dict[str, Any], *, actor: Any, action: str, note: str = ""
) -> Relationship:
    """Check the changed link against every rule (``validate_relationship``: its own, the
    same link stored, for hierarchies a second parent and a cycle), then save and audit it."""
    validate_relationship(rel, exclude_pk=rel.pk)
    after = audit.snapshot(rel)
    if {k: v for k, v in after.items() if k != "updated_at"} == {
        k: v for k, v in before.items() if k != "updated_at"
    }:
        return rel
    rel.save()
    if rel.type.is_hierarchy:
        engine.after_link_changed(rel, before=before)
    _record(actor, action, rel, before, audit.snapshot(rel), note=note)
    return rel


@transaction.atomic
def do_update_relationship(rel: Relationship, *, actor: Any, **changes: Any) -> Relationship:
    """Correct dates, share, note or reference. Type and parties never change: end and relink."""
    unknown = set(changes) - EDITABLE_RELATIONSHIP_FIELDS
    if unknown:
        raise ValidationError(
            {
                f: [_("This field cannot be changed; end the relationship and create a new one.")]
                for f in sorted(unknown)
            }
        )
    rel = _lock_link(rel)
    before = audit.snapshot(rel)
    for field, value in changes.items():
        if field in ("valid_from", "valid_to"):
            value = _as_date(value, field)
        elif field == "share":
            value = _as_share(value)
        setattr(
            rel,
            field,
            value if value is not None or field in ("valid_from", "valid_to", "share") else "",
        )
    return _write_checked(rel, before, actor=actor, action="relationship.update")


@transaction.atomic
def do_reopen_relationship(rel: Relationship, *, actor: Any, note: str = "") -> Relationship:
    """Take a link's end back: it holds open-ended again. Every rule is checked anew, as for a
    new link: while it was ended, the same link or (hierarchies) another parent may have been
    stored, or a link that the reopened one would close into a cycle. A link without an end is
    refused as a ``Conflict`` on ``valid_to``."""
    rel = _lock_link(rel)
    if rel.valid_to is None:
        raise Conflict({"valid_to": [rules.not_ended()]})
    before = audit.snapshot(rel)
    rel.valid_to = None
    return _write_checked(rel, before, actor=actor, action="relationship.reopen", note=note)


@transaction.atomic
def do_end_relationship(
    rel: Relationship, *, actor: Any, valid_to: Any = None, note: str = ""
) -> Relationship:
    """End a relationship at ``valid_to`` (default today): its last valid day. Nothing is deleted."""
    day = _as_date(valid_to, "valid_to") or dt.date.today()
    if rel.type.is_hierarchy:
        # The type lock comes before the row lock, in every writer, so no two writers deadlock.
        engine.lock_for_write(rel.type, [rel.from_party_id, rel.to_party_id])
    rel = (
        Relationship.objects.select_for_update()
        .select_related("type", "from_party", "to_party")
        .get(pk=rel.pk)
    )
    if rel.valid_to is not None and rel.valid_to <= day:
        # The stored end stands in the way, not the request (decision 0038, revision 3).
        raise Conflict({"valid_to": [rules.already_ended(rel.valid_to)]})
    ends_too_early = rules.dates_error(rel.valid_from or MIN_DATE, day)
    if ends_too_early:
        raise ValidationError({"valid_to": [ends_too_early]})
    before = audit.snapshot(rel)
    rel.valid_to = day
    rel.save(update_fields=["valid_to", "updated_at"])
    if rel.type.is_hierarchy:
        engine.after_link_changed(rel, before=before)
    _record(actor, "relationship.end", rel, before, audit.snapshot(rel), note=note)
    return rel


# --- merges -------------------------------------------------------------------------------


class HierarchyConflict(Conflict):
    """Moving a link would give a child a second parent or close a cycle."""


def _repoint(rel: Relationship, new_from: int, new_to: int, *, actor: Any, note: str = "") -> None:
    """Point ``rel`` at other parties in place (same id, dates and history), audited.

    Hierarchy links keep the closure in step through the engine's public hooks: a changed
    child is detached as if its link were removed, then the link is added for the new child.
    """
    before = audit.snapshot(rel)
    old_from = rel.from_party_id
    if rel.type.symmetric and new_from > new_to:
        new_from, new_to = new_to, new_from
    rel.from_party_id, rel.to_party_id = new_from, new_to
    rel.from_party = Party.objects.get(pk=new_from)
    rel.to_party = Party.objects.get(pk=new_to)
    if rel.type.is_hierarchy:
        engine.lock_for_write(rel.type, [old_from, new_from, new_to])
    # The link's own rules first (a repeat of a link the party has), then the hierarchy's:
    # a merge reports the two apart.
    refuse(*relationship_refusals(rel, exclude_pk=rel.pk))
    if rel.type.is_hierarchy:
        try:
            engine.check_link(rel)
        except Conflict as exc:
            raise HierarchyConflict(exc.message_dict) from exc
    rel.save(update_fields=["from_party", "to_party", "updated_at"])
    if rel.type.is_hierarchy:
        if old_from != new_from:
            ghost = Relationship(
                type=rel.type,
                from_party_id=old_from,
                to_party_id=before["to_party_id"],
                valid_from=rel.valid_from,
                valid_to=rel.valid_to,
            )
            engine.after_link_changed(ghost, before=None)
            engine.after_link_changed(rel, before=None)
        else:
            engine.after_link_changed(rel, before=before)
    for pid in {before["from_party_id"], before["to_party_id"], rel.from_party_id, rel.to_party_id}:
        audit.record(
            actor=actor,
            action="relationship.reassign",
            obj=rel,
            before=before,
            after=audit.snapshot(rel),
            party_id=pid,
            note=note,
        )
    relationship_saved.send(
        sender=Relationship, relationship=rel, action="relationship.reassign", actor=actor
    )


def _reassign_link(
    rel: Relationship, source_id: int, survivor_id: int, *, actor: Any, note: str
) -> dict[str, Any]:
    new_from = survivor_id if rel.from_party_id == source_id else rel.from_party_id
    new_to = survivor_id if rel.to_party_id == source_id else rel.to_party_id
    outcome: dict[str, Any] = {
        "id": rel.pk,
        "type": rel.type.key,
        "side": "from" if rel.from_party_id == source_id else "to",
        "from": rel.from_party_id,
        "to": rel.to_party_id,
    }
    reason = ""
    if new_from == new_to:
        reason = "self"
    else:
        try:
            with transaction.atomic():
                _repoint(rel, new_from, new_to, actor=actor, note=note)
        except ValidationError as exc:
            reason = "conflict" if isinstance(exc, HierarchyConflict) else "repeat"
            outcome["message"] = "; ".join(exc.messages)
            rel.refresh_from_db()
    if not reason:
        outcome["result"] = "moved"
        return outcome
    outcome["result"] = "ended"
    outcome["reason"] = reason
    outcome["valid_to_before"] = rel.valid_to.isoformat() if rel.valid_to else None
    today = dt.date.today()
    if (rel.valid_to is None or rel.valid_to > today) and (rel.valid_from or MIN_DATE) <= today:
        # Ending, not deleting: the link's history stays with the merged record.
        do_end_relationship(rel, actor=actor, valid_to=today, note=_("Ended by merge"))
        outcome["ended"] = True
    else:
        outcome["ended"] = False
    return outcome


@transaction.atomic
def do_reassign_party_links(
    source: Party, survivor: Party, *, actor: Any, note: str = ""
) -> dict[str, list[dict[str, Any]]]:
    """Move every relationship of ``source`` to ``survivor`` (the relationship part of a merge).

    Links are re-pointed in place: same id, dates and history, audited as
    ``relationship.reassign``; hierarchy links keep the closure in step through the engine.
    A link that would become a self-link or repeat a link the survivor has, or that would give
    a child a second parent or close a cycle, is ended today instead (when it is current) and
    reported. Returns ``{"moved": [...], "ended": [...]}``, one item per link with its old ends
    (and for ended links the reason, the message and the end date it had), which is what
    ``do_restore_party_links`` needs to put everything back.
    """
    if source.pk == survivor.pk:
        raise ValidationError(_("A party cannot be merged into itself."))
    _lock_parties([source.pk, survivor.pk])
    links = Relationship.objects.select_related("type").filter(
        from_party_id=source.pk
    ) | Relationship.objects.select_related("type").filter(to_party_id=source.pk)
    result: dict[str, list[dict[str, Any]]] = {"moved": [], "ended": []}
    for rel in links.order_by("pk"):
        outcome = _reassign_link(rel, source.pk, survivor.pk, actor=actor, note=note)
        result["moved" if outcome["result"] == "moved" else "ended"].append(outcome)
    return result


@transaction.atomic
def do_restore_party_links(
    result: dict[str, list[dict[str, Any]]], *, actor: Any, note: str = ""
) -> None:
    """Undo ``do_reassign_party_links``: moved links point back, ended links get their old end.

    The merged party must stand on its own again first (a merged party takes no links).
    """
    for item in result.get("moved", []):
        rel = Relationship.objects.select_related("type").get(pk=item["id"])
        _repoint(rel, item["from"], item["to"], actor=actor, note=note)
    for item in result.get("ended", []):
        if item.get("ended"):
            rel = Relationship.objects.select_related("type").get(pk=item["id"])
            do_update_relationship(rel, actor=actor, valid_to=item["valid_to_before"])
