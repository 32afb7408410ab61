"""Who may use the hierarchies API: declarations for the role matrix (core.testing)."""

from verbund.core.testing import FORM_OK, WRITERS, Page, Route, World
from verbund.parties.actions import do_create_party
from verbund.relationships.actions import do_create_relationship

ROUTES = [
    Route("party-hierarchy", kwargs={"pk": "child"}, query={"type": "group"}),
    Route("party-ancestors", kwargs={"pk": "child"}, query={"type": "group"}),
    Route("party-group", kwargs={"pk": "child"}),
    Route("party-group-contacts", kwargs={"pk": "child"}, query={"type": "group"}),
    Route("party-hierarchy-changes", kwargs={"pk": "child"}, query={"type": "group"}),
    Route("party-ownership", kwargs={"pk": "child"}),
    # Moving ends a link and starts one (relationships.RELINK_PERMISSIONS); a dry run, so
    # every identity meets the same world.
    Route(
        "party-move",
        "post",
        WRITERS,
        kwargs={"pk": "child"},
        body=lambda w: {"to": w["other"], "type": "group", "dry_run": True},
    ),
]


def world() -> World:
    parent = do_create_party(actor=None, name="Mutter AG")
    child = do_create_party(actor=None, name="Tochter GmbH")
    do_create_relationship(actor=None, type="group", from_party=child, to_party=parent)
    other = do_create_party(actor=None, name="Andere AG")
    return {"parent": parent.pk, "child": child.pk, "other": other.pk}


# The tree and its exports show what the API's hierarchy shows: whoever may read parties.
ROUTES += [
    Page("hierarchy", kwargs={"party_id": "child"}),
    Page("hierarchy-children", kwargs={"party_id": "parent"}, query={"type": "group"}),
    Page(
        "hierarchy-export", kwargs=lambda w: {"party_id": w["child"], "fmt": "csv"}, variant="csv"
    ),
    Page(
        "hierarchy-export",
        kwargs=lambda w: {"party_id": w["child"], "fmt": "xlsx"},
        variant="xlsx",
    ),
    Page("hierarchy-annotations", query={"type": "group", "ids": "1,2"}),
    # The move form (the confirmation step is a POST the API's move twin declares above).
    Page("hierarchy-move", allowed=WRITERS, kwargs={"party_id": "child"}, query={"type": "group"}),
    # The group section's parts on the file (#17).
    Page("group-contacts", kwargs={"party_id": "child"}, query={"type": "group"}),
    Page("group-changes", kwargs={"party_id": "child"}, query={"type": "group"}),
    Page("ownership", kwargs={"party_id": "child"}),
]
# The org chart and its SVG download (#17.2): as the tree list.
ROUTES += [
    Page("hierarchy-chart", kwargs={"party_id": "child"}, query={"type": "group"}),
    Page("hierarchy-chart-svg", kwargs={"party_id": "child"}, query={"type": "group"}),
]
# Following a group's changes (#17.3): the caller's own setting, for whoever may read the group.
ROUTES += [
    Route("party-hierarchy-subscription", kwargs={"pk": "child"}, query={"type": "group"}),
    Route("party-hierarchy-subscription", "post", kwargs={"pk": "child"}, query={"type": "group"}),
    Route(
        "party-hierarchy-subscription", "delete", kwargs={"pk": "child"}, query={"type": "group"}
    ),
    Page(
        "group-subscription",
        "post",
        kwargs={"party_id": "child"},
        body=lambda w: {"type": "group", "action": "subscribe"},
        ok=FORM_OK,
    ),
]
