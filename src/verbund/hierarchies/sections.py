"""The whole group on the file of each of its members: one section per hierarchy the party
belongs to today, whose parts (contacts, activities, changes, ownership) load lazily."""

from django.http import HttpRequest
from django.utils.translation import gettext as _

from verbund.core.extensions import Badge, Section
from verbund.hierarchies import selectors
from verbund.parties.models import Party


def party_sections(request: HttpRequest, party: Party) -> list[Section]:
    sections = []
    for i, h in enumerate(selectors.party_hierarchies(party.pk)):
        sections.append(
            Section(
                key=f"group-{h['type_key']}",
                title=_("%(type)s: the whole group") % {"type": h["type_name"]},
                template="hierarchies/group/section.html",
                context={"group_type": h["type_key"], "group_size": h["size"]},
                order=35 + i,
            )
        )
    return sections


def party_badges(party: Party) -> list[Badge]:
    return []
