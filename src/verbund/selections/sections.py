"""What selections add to other apps' pages (``core.extensions``): "Als Selektion speichern"
beside the party list's filters, and on the customer file of a group, chain or association
member the white space: the members that are no customers (no revenue in the last 12 months),
one click away as the party list with those filters (and from there saved as a selection),
counted when the user opens the hierarchy's line; where every member has revenue, the count
says so."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from verbund.core.extensions import Section
from verbund.hierarchies import selectors as hierarchy
from verbund.parties.models import Party
from verbund.selections import rules, selectors

# The hierarchies with white space, and the filter that names each one's members.
WHITE_SPACE_TYPES = ("group", "chain", "settlement")


def list_actions(request: HttpRequest, list_name: str, query: str) -> list[Section]:
    if list_name != "party_list" or not request.user.has_perm("selections.add_selection"):
        return []
    return [
        Section(
            key="save-selection",
            title=_("Save as selection"),
            template="selections/list_action.html",
            context={"selection_query": query},
        )
    ]


def party_sections(request: HttpRequest, party: Party) -> list[Section]:
    """The white space of each group, chain or association the party belongs to today: its
    size and the link to its members without revenue. Their count is loaded when the user
    opens the line (``views.white_space_count``): it probes every member's months, 320 ms on
    a 20,000-member group against a raw floor of 88 ms (docs/revenue.md), which every file of
    every member paid on opening before."""
    if not request.user.has_perm("parties.view_party"):
        return []
    first, last = rules.last_twelve_months()
    links: list[dict[str, Any]] = []
    for found in hierarchy.party_hierarchies(party.pk):
        if found["type_key"] not in WHITE_SPACE_TYPES or found["size"] < 2:
            continue
        filters = selectors.white_space_filters(found["root_id"], found["type_key"])
        links.append(
            {
                "type_key": found["type_key"],
                "type_name": found["type_name"],
                "size": found["size"],
                "query": selectors.list_query(filters),
                "root_id": found["root_id"],
                "count_url": reverse(
                    "selection-white-space", args=[found["root_id"], found["type_key"]]
                ),
            }
        )
    if not links:
        return []
    return [
        Section(
            key="white-space",
            title=_("White space"),
            template="selections/white_space.html",
            context={"white_space": links, "ws_first": first, "ws_last": last},
            order=90,
        )
    ]
