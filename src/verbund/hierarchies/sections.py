"""The whole group on the file of each of its members: one section per hierarchy the party
belongs to today, whose parts (contacts, activities, changes, ownership) load lazily."""

from django.http import HttpRequest
from django.utils.translation import gettext as _

from verbund.core.extensions import Badge, Section
from verbund.core.permissions import user_has
from verbund.hierarchies import selectors, subscriptions
from verbund.parties.models import Party
from verbund.relationships.models import Relationship


def party_sections(request: HttpRequest, party: Party) -> list[Section]:
    sections = []
    hierarchies = selectors.party_hierarchies(party.pk)
    followed = subscriptions.subscribed_types(request.user, party.pk) if hierarchies else set()
    for i, h in enumerate(hierarchies):
        sections.append(
            Section(
                key=f"group-{h['type_key']}",
                title=_("%(type)s: the whole group") % {"type": h["type_name"]},
                template="hierarchies/group/section.html",
                context={
                    "group_type": h["type_key"],
                    "group_size": h["size"],
                    "subscribed": h["type_key"] in followed,
                },
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


def home_sections(request: HttpRequest) -> list[Section]:
    """The start page: what changed in the groups the user follows (last 30 days)."""
    if not user_has(getattr(request, "user", None), "parties.view_party"):
        return []
    groups = subscriptions.recent_changes(request.user)
    if not groups:
        return []
    return [
        Section(
            key="group-subscriptions",
            title=_("Changes in the groups you follow"),
            template="hierarchies/group/home_changes.html",
            context={"groups": groups, "days": subscriptions.DAYS},
            order=20,
        )
    ]
