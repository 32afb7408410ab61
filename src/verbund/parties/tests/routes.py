"""Who may use the parties API: the declarations the role matrix walks (core.testing)."""

from verbund.core.testing import EVERYONE, FORM_OK, STEWARDS, WRITERS, Page, Route, World
from verbund.parties.actions import do_create_party, do_create_tag
from verbund.relationships.actions import do_create_relationship

ROUTES = [
    Route("party-list"),
    Route("party-list", "post", WRITERS, body=lambda w: {"name": "Neu GmbH"}, ok=(201,)),
    Route("party-detail", kwargs={"pk": "a"}),
    Route("party-detail", "patch", WRITERS, kwargs={"pk": "a"}, body=lambda w: {"city": "Bonn"}),
    Route(
        "party-detail",
        "put",
        WRITERS,
        kwargs={"pk": "a"},
        body=lambda w: {"name": "A GmbH", "city": "Bonn"},
    ),
    Route("party-archive", "post", WRITERS, kwargs={"pk": "a"}, body=lambda w: {}),
    Route("party-relationships", kwargs={"pk": "a"}, allowed=EVERYONE),
    Route("tag-list"),
    Route("tag-list", "post", WRITERS, body=lambda w: {"name": "Neu"}, ok=(201,)),
    Route("tag-detail", kwargs={"pk": "tag"}),
    Route("tag-detail", "patch", WRITERS, kwargs={"pk": "tag"}, body=lambda w: {"name": "B"}),
    Route("tag-detail", "put", WRITERS, kwargs={"pk": "tag"}, body=lambda w: {"name": "B"}),
    Route("tag-detail", "delete", STEWARDS, kwargs={"pk": "tag"}, ok=(204,)),
]


def world() -> World:
    a = do_create_party(actor=None, name="A GmbH")
    b = do_create_party(actor=None, name="B GmbH")
    do_create_relationship(actor=None, type="supplier", from_party=a, to_party=b)
    tag = do_create_tag("A-Kunde", actor=None)
    a.tags.add(tag)
    return {"a": a.pk, "b": b.pk, "tag": tag.pk}


UI_ROUTES = [
    Page("party-list", query={"q": "GmbH"}),
    Page("party-more-filters"),
    Page("party-create", allowed=WRITERS),
    Page("party-create", "post", WRITERS, body=lambda w: {"name": "Neu GmbH"}, ok=FORM_OK),
    Page("party-detail", kwargs={"party_id": "a"}),
    Page("party-sections", kwargs=lambda w: {"party_id": w["a"], "app": "activities"}),
    Page("party-edit", allowed=WRITERS, kwargs={"party_id": "a"}),
    Page("party-edit", "post", WRITERS, kwargs={"party_id": "a"}, body=lambda w: {}, ok=FORM_OK),
    Page("tag-list"),
    Page("tag-list", "post", WRITERS, body=lambda w: {"name": "Neu"}, ok=FORM_OK),
    Page(
        "tag-rename",
        "post",
        WRITERS,
        kwargs={"tag_id": "tag"},
        body=lambda w: {"name": "B"},
        ok=FORM_OK,
    ),
    Page("tag-delete", allowed=STEWARDS, kwargs={"tag_id": "tag"}),
    Page("tag-delete", "post", STEWARDS, kwargs={"tag_id": "tag"}, body=lambda w: {}, ok=FORM_OK),
]
ROUTES += UI_ROUTES
