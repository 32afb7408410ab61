"""Which hierarchies a party belongs to, and the header badges that follow from it."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from verbund.core.extensions import Badge
from verbund.relationships.models import RelationshipType


@dataclass
class Membership:
    """The party's place in one hierarchy type, today."""

    type: RelationshipType
    has_parent: bool
    has_children: bool

    @property
    def is_head(self) -> bool:
        return self.has_children and not self.has_parent


def badges(memberships: list[Membership]) -> list[Badge]:
    result = []
    for m in memberships:
        key = m.type.key
        if key == "group":
            result.append(
                Badge(_("Group head") if m.is_head else _("Group member"), css="badge badge-group")
            )
        elif key == "settlement":
            if m.has_parent:
                result.append(
                    Badge(_("Member of a central settlement"), css="badge badge-settlement")
                )
            if m.has_children:
                result.append(Badge(_("Central settlement party"), css="badge badge-settlement"))
        elif key == "chain":
            result.append(
                Badge(
                    _("Head of a chain") if m.is_head else _("Chain branch"),
                    css="badge badge-chain",
                )
            )
        else:
            result.append(Badge(m.type.name, css="badge"))
    return result
