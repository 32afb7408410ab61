"""Who may read hierarchies through the API: declarations for the role matrix (core.testing)."""

from verbund.core.testing import Page, Route, World
from verbund.parties.actions import do_create_party
from verbund.relationships.actions import do_create_relationship

ROUTES = [
    Route("party-hierarchy", kwargs={"pk": "child"}, query={"type": "group"}),
    Route("party-ancestors", kwargs={"pk": "child"}, query={"type": "group"}),
    Route("party-group", kwargs={"pk": "child"}),
]


def world() -> World:
    parent = do_create_party(actor=None, name="Mutter AG")
    child = do_create_party(actor=None, name="Tochter GmbH")
    do_create_relationship(actor=None, type="group", from_party=child, to_party=parent)
    return {"parent": parent.pk, "child": child.pk}


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
]
