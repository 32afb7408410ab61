"""Who may use the relationships API: the declarations the role matrix walks (core.testing)."""

from typing import Any

from verbund.core.testing import FORM_OK, STEWARDS, WRITERS, Page, Route, World
from verbund.parties.actions import do_create_party
from verbund.relationships.actions import do_create_relationship, do_create_relationship_type


def type_data(key: str) -> dict[str, Any]:
    return {
        "key": key,
        "name_de": "Franchise",
        "name_en": "Franchise",
        "label_forward_de": "ist Franchisenehmer von",
        "label_forward_en": "is a franchisee of",
        "label_inverse_de": "ist Franchisegeber von",
        "label_inverse_en": "is the franchisor of",
    }


ROUTES = [
    Route("relationshiptype-list"),
    Route("relationshiptype-list", "post", STEWARDS, body=lambda w: type_data("neu"), ok=(201,)),
    Route("relationshiptype-detail", kwargs={"pk": "t"}),
    Route(
        "relationshiptype-detail",
        "patch",
        STEWARDS,
        kwargs={"pk": "t"},
        body=lambda w: {"colour": "#000000"},
    ),
    Route(
        "relationshiptype-detail",
        "put",
        STEWARDS,
        kwargs={"pk": "t"},
        body=lambda w: {**type_data("unused"), "colour": "#111111"},
    ),
    Route("relationshiptype-detail", "delete", STEWARDS, kwargs={"pk": "t"}, ok=(204,)),
    Route("relationship-list"),
    Route(
        "relationship-list",
        "post",
        WRITERS,
        body=lambda w: {"type": "consultant", "from_party": w["a"], "to_party": w["b"]},
        ok=(201,),
    ),
    Route("relationship-detail", kwargs={"pk": "r"}),
    Route(
        "relationship-detail",
        "patch",
        WRITERS,
        kwargs={"pk": "r"},
        body=lambda w: {"note": "geprüft"},
    ),
    Route(
        "relationship-detail",
        "put",
        WRITERS,
        kwargs={"pk": "r"},
        body=lambda w: {"note": "geprüft", "valid_from": "2020-01-01"},
    ),
    Route(
        "relationship-end",
        "post",
        WRITERS,
        kwargs={"pk": "r"},
        body=lambda w: {"valid_to": "2030-12-31"},
    ),
    Route("relationship-reopen", "post", WRITERS, kwargs={"pk": "e"}, body=lambda w: {}),
]


def world() -> World:
    a = do_create_party(actor=None, name="A GmbH")
    b = do_create_party(actor=None, name="B GmbH")
    rel = do_create_relationship(actor=None, type="supplier", from_party=a, to_party=b)
    c = do_create_party(actor=None, name="C GmbH")
    ended = do_create_relationship(
        actor=None, type="supplier", from_party=c, to_party=a, valid_to="2020-12-31"
    )
    unused = do_create_relationship_type(actor=None, **type_data("unused"))
    return {"a": a.pk, "b": b.pk, "r": rel.pk, "e": ended.pk, "t": unused.pk}


ROUTES += [
    Page("relationship-add", allowed=WRITERS, kwargs={"party_id": "a"}),
    Page(
        "relationship-add",
        "post",
        WRITERS,
        kwargs={"party_id": "a"},
        body=lambda w: {"choice": "consultant:forward", "other": w["b"]},
        ok=FORM_OK,
    ),
    Page("party-relationships", kwargs=lambda w: {"party_id": w["a"], "type_key": "supplier"}),
    Page("relationship-end", allowed=WRITERS, kwargs={"relationship_id": "r"}),
    Page(
        "relationship-end",
        "post",
        WRITERS,
        kwargs={"relationship_id": "r"},
        body=lambda w: {"valid_to": "2030-12-31"},
        ok=FORM_OK,
    ),
    Page("relationship-correct", allowed=WRITERS, kwargs={"relationship_id": "r"}),
    Page(
        "relationship-correct",
        "post",
        WRITERS,
        kwargs={"relationship_id": "r"},
        body=lambda w: {"valid_from": "2020-01-01", "note": "geprüft"},
        ok=FORM_OK,
    ),
    Page("relationship-reopen", allowed=WRITERS, kwargs={"relationship_id": "e"}),
    Page("relationship-reopen", "post", WRITERS, kwargs={"relationship_id": "e"}, ok=FORM_OK),
    # Managing the types is a steward's page; reading them (the API's list) is everyone's.
    # Reading the types is everyone's, as in the API; editing them is the stewards'.
    Page("type-list"),
    Page("type-create", allowed=STEWARDS),
    Page("type-create", "post", STEWARDS, body=lambda w: type_data("neu"), ok=FORM_OK),
    Page("type-edit", allowed=STEWARDS, kwargs={"type_id": "t"}),
    Page("type-edit", "post", STEWARDS, kwargs={"type_id": "t"}, body=lambda w: {}, ok=FORM_OK),
    Page("type-toggle", "post", STEWARDS, kwargs={"type_id": "t"}, ok=FORM_OK),
]
