"""The relationships on the customer file: a block at the top of its main column, the
hierarchy badges and buttons in its header, and the relationship records of its history.

All of it comes with the page itself (``party_file``, see ``core.extensions``): one query counts
the party's links per type and one loads the first of each (``file.load``); the history's
relationship records cost two more, however many there are.
"""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from verbund.core.extensions import Badge, FilePart, Section
from verbund.hierarchies.selectors import ultimate_parent
from verbund.parties.models import Party
from verbund.parties.selectors import LIST_FIELDS, listed_party
from verbund.relationships import file, memberships
from verbund.relationships.models import RelationshipType
from verbund.relationships.rules import RELINK_PERMISSIONS


def _top_badges(party: Party, hierarchies: list[memberships.Membership]) -> list[Badge]:
    """The top of each tree the party hangs in (linked): a group member names its group."""
    tops = {m.type.key: ultimate_parent(party.pk, m.type.key) for m in hierarchies if m.has_parent}
    names = {pk: row for pk in set(tops.values()) - {party.pk} if (row := listed_party(pk))}
    badges = []
    for m in hierarchies:
        top = names.get(tops.get(m.type.key, 0))
        if top is not None:
            badges.append(
                Badge(
                    _("%(type)s: %(top)s") % {"type": m.type.name, "top": top.display_name},
                    css="badge badge-top",
                    url=reverse("party-detail", args=[top.pk]),
                    title=_("Ultimate parent in the hierarchy %(type)s") % {"type": m.type.name},
                )
            )
    return badges


def party_file(request: HttpRequest, party: Party) -> FilePart:
    groups, hierarchies = file.load(party.pk)
    return FilePart(
        badges=memberships.badges(hierarchies) + _top_badges(party, hierarchies),
        actions=[
            Section(
                key="hierarchies",
                title="",
                template="relationships/file_actions.html",
                context={"hierarchies": hierarchies},
            )
        ],
        # The links themselves ask what the relationships API asks.
        sections=[
            Section(
                key="relationships",
                title="",
                template="relationships/file_section.html",
                context={
                    "relationship_groups": groups,
                    "can_relate": request.user.has_perm("relationships.add_relationship"),
                    "can_change": request.user.has_perm("relationships.change_relationship"),
                    "can_move": request.user.has_perms(RELINK_PERMISSIONS),
                },
            )
        ]
        if request.user.has_perm("relationships.view_relationship")
        else [],
    )


def describe_history(party: Party, records: list[Any]) -> None:
    """Name the type and the other party of relationship records (two queries for all)."""
    wanted: dict[int, tuple[int, int]] = {}
    for rec in records:
        data = rec.after or rec.before or {}
        if rec.object_type == "relationships.relationship" and "type_id" in data:
            other = (
                data.get("to_party_id")
                if data.get("from_party_id") == party.pk
                else data.get("from_party_id")
            )
            if isinstance(other, int):
                wanted[rec.pk] = (int(data["type_id"]), other)
    if not wanted:
        return
    types = RelationshipType.objects.in_bulk({t for t, _o in wanted.values()})
    others = Party.objects.only(*LIST_FIELDS).in_bulk({o for _t, o in wanted.values()})
    for rec in records:
        if rec.pk in wanted:
            type_id, other_id = wanted[rec.pk]
            rec.detail = types[type_id].name if type_id in types else ""
            rec.other = others.get(other_id)
