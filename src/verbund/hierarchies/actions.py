"""Writes of the hierarchy domain: moving a subtree, refreshing and rebuilding the closure."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from verbund.core import audit
from verbund.core.errors import Conflict
from verbund.core.formatting import format_date
from verbund.hierarchies import browse, engine
from verbund.hierarchies.models import GroupSubscription
from verbund.hierarchies.selectors import hierarchy_type
from verbund.parties.models import Party
from verbund.relationships import rules
from verbund.relationships.actions import do_create_relationship, do_end_relationship
from verbund.relationships.models import MIN_DATE, Relationship, RelationshipSource, valid_on_q


@transaction.atomic
def do_move_subtree(
    child: Party,
    new_parent: Party | None,
    type_key: str,
    *,
    actor: Any,
    on: dt.date | None = None,
    source: str = RelationshipSource.MANUAL,
    note: str = "",
) -> Relationship | None:
    """Re-parent ``child`` (and so its whole subtree) from day ``on`` (default today).

    The link valid on ``on`` ends the day before; the new one starts on ``on`` and keeps the old
    link's planned end. ``new_parent=None`` only ends the link (the child becomes a root).
    Locked, cycle-checked and audited like every hierarchy write; one transaction. A move under
    the parent the child has, or one the stored links refuse (a second parent, a cycle, the
    same link overlapping), is a ``Conflict`` naming ``to_party`` or ``valid_from``; so are a
    move off a parent the child has not on ``on`` (``to_party``) and one on the day its current
    link starts (``on``). A move under the child itself is refused first, as bad input.
    """
    day = on or engine.today()
    rtype = hierarchy_type(type_key)
    # The request's own fault before what is stored refuses (decision 0038: bad input first).
    itself = new_parent is not None and rules.self_link_error(child.pk, new_parent.pk)
    if itself:
        raise ValidationError({"to_party": [itself]})
    engine.lock_for_write(rtype, [child.pk] + ([new_parent.pk] if new_parent else []))
    current = (
        Relationship.objects.select_for_update()
        .filter(type=rtype, from_party=child)
        .filter(valid_on_q(day))
        .select_related("to_party")
        .first()
    )
    if current is not None and new_parent is not None and current.to_party_id == new_parent.pk:
        # The same link already open: stored data refuses the move, as it refuses a new link
        # (the API's 409; the link's own checks below refuse a second parent or a cycle alike).
        raise Conflict(
            {
                "to_party": [
                    _("%(child)s is already under %(parent)s.")
                    % {"child": child.display_name, "parent": new_parent.display_name}
                ]
            }
        )
    if current is None and new_parent is None:
        # Stored links, not the request, stand in the way: the same request succeeds once a
        # link valid that day is stored (decision 0038, revision 3).
        raise Conflict(
            {
                "to_party": [
                    _("%(child)s has no parent on %(day)s.")
                    % {"child": child.display_name, "day": format_date(day)}
                ]
            }
        )
    before = {
        "parent_id": current.to_party_id if current else None,
        "relationship_id": current.pk if current else None,
    }
    planned_end = current.valid_to if current else None
    if current is not None and (current.valid_from or MIN_DATE) >= day:
        raise Conflict(
            {
                "on": [
                    _("The current link only starts on %(day)s; correct it instead of moving.")
                    % {"day": format_date(current.valid_from) or "—"}
                ]
            }
        )
    # The end of the old link and the new link change the same paths (those through the
    # child): the dated closure follows once, after both.
    with engine.dated_upkeep_once():
        if current is not None:
            do_end_relationship(
                current, actor=actor, valid_to=day - dt.timedelta(days=1), note=note
            )
        new: Relationship | None = None
        if new_parent is not None:
            new = do_create_relationship(
                actor=actor,
                type=rtype,
                from_party=child,
                to_party=new_parent,
                valid_from=day,
                valid_to=planned_end,
                source=source,
                note=note,
            )
    audit.record(
        actor=actor,
        action="hierarchy.move",
        obj=child,
        before=before,
        after={
            "parent_id": new_parent.pk if new_parent else None,
            "relationship_id": new.pk if new else None,
            "type": rtype.key,
            "on": day.isoformat(),
        },
        party_id=child.pk,
        note=note,
    )
    return new


def check_move(
    child: Party,
    new_parent: Party | None,
    type_key: str,
    *,
    actor: Any,
    on: dt.date | None = None,
    note: str = "",
) -> dict[str, Any]:
    """What ``do_move_subtree`` would do, without doing it (the confirmation step of the UI,
    ``dry_run`` of the API and CLI): the move is made and rolled back, so every rule answers
    exactly as it would for the real move. Raises its ValidationError; otherwise returns
    ``move_summary``."""
    day = on or engine.today()
    summary = move_summary(child, new_parent, type_key, day)
    with transaction.atomic():
        do_move_subtree(child, new_parent, type_key, actor=actor, on=day, note=note)
        transaction.set_rollback(True)
    return summary


def move_summary(
    child: Party, new_parent: Party | None, type_key: str, day: dt.date
) -> dict[str, Any]:
    """The facts a move is confirmed by: who moves and how many members move along (the
    child's subtree on the day), from which parent to which, from which day."""
    old = browse.current_parent(child.pk, type_key, day)
    return {
        "party_id": child.pk,
        "type": type_key,
        "on": day,
        "members": browse.subtree_size(child.pk, type_key, day),
        "from_parent_id": old["id"] if old else None,
        "to_parent_id": new_parent.pk if new_parent else None,
    }


def do_rebuild_closure(*, actor: Any, type_keys: list[str] | None = None) -> dict[str, int]:
    """Rebuild the closure from the relationships (after bulk loads); one audit record."""
    with transaction.atomic():
        counts = engine.rebuild_closure(type_keys)
        audit.record(
            actor=actor,
            action="hierarchy.rebuild",
            object_type="hierarchies.closureentry",
            after=counts,
        )
    return counts


def do_refresh_closures(*, actor: Any = None) -> dict[str, int]:
    """Bring every closure to today (cron: ``verbund hierarchy refresh``); audited when it changed."""
    with transaction.atomic():
        done = engine.refresh_all()
        if any(done.values()):
            audit.record(
                actor=actor,
                action="hierarchy.refresh",
                object_type="hierarchies.closurestate",
                after=done,
            )
    return done


def rebuild_closure(type_keys: list[str] | None = None) -> dict[str, int]:
    """Alias of ``engine.rebuild_closure`` for bulk loaders that import from actions."""
    return engine.rebuild_closure(type_keys)


__all__ = [
    "ValidationError",
    "check_move",
    "do_move_subtree",
    "do_rebuild_closure",
    "do_refresh_closures",
    "move_summary",
    "rebuild_closure",
]


# --- following a group's changes (#17.3) ----------------------------------------------------


@transaction.atomic
def do_subscribe_group(user: Any, party: Party, type_key: str = "group") -> GroupSubscription:
    """``user`` follows the changes of ``party``'s group along ``type_key`` (the start page
    lists them). Subscribing twice keeps the one subscription; audited when it is made."""
    rtype = hierarchy_type(type_key)
    found, created = GroupSubscription.objects.get_or_create(user=user, party=party, type=rtype)
    if created:
        audit.record(
            actor=user,
            action="hierarchy.subscribe",
            obj=found,
            after={"party": party.pk, "type": rtype.key},
        )
    return found


@transaction.atomic
def do_unsubscribe_group(user: Any, party: Party, type_key: str = "group") -> bool:
    """End ``user``'s subscription to ``party``'s group; False when there was none."""
    rtype = hierarchy_type(type_key)
    found = GroupSubscription.objects.filter(user=user, party=party, type=rtype).first()
    if found is None:
        return False
    audit.record(
        actor=user,
        action="hierarchy.unsubscribe",
        obj=found,
        before={"party": party.pk, "type": rtype.key},
    )
    found.delete()
    return True
