"""The whole group on the file of each of its members: one section per hierarchy the party
belongs to today, whose parts (contacts, activities, changes, ownership) load lazily."""

from django.http import HttpRequest
from django.utils.translation import gettext as _

from verbund.core.extensions import Badge, Section
from verbund.hierarchies import selectors
from verbund.parties.models import Party
from verbund.relationships.models import Relationship


def party_sections(request: HttpRequest, party: Party) -> list[Section]:
    sections = []
    hierarchies = selectors.party_hierarchies(party.pk)
    for i, h in enumerate(hierarchies):
        sections.append(
            Section(
                key=f"group-{h['type_key']}",
                title=_("%(type)s: the whole group") % {"type": h["type_name"]},
                template="hierarchies/group/section.html",
                context={"group_type": h["type_key"], "group_size": h["size"]},
                order=35 + i,
            )
        )
    if _has_share_links(party.pk):
        sections.append(
            Section(
                key="ownership",
                title=_("Who owns it"),
                template="hierarchies/group/ownership_section.html",
                order=39,
            )
        )
    return sections


def _has_share_links(party_id: int) -> bool:
    """Whether the party owns or is owned along a share-carrying link (two index look-ups)."""
    links = Relationship.objects.filter(type__carries_share=True, share__isnull=False)
    return links.filter(from_party_id=party_id).exists() or (
        links.filter(to_party_id=party_id).exists()
    )


def party_badges(party: Party) -> list[Badge]:
    return []
