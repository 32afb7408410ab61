"""Who may use the relationships API: the declarations the role matrix walks (core.testing)."""

from typing import Any

from verbund.core.testing import STEWARDS, WRITERS, Route, World
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
]


def world() -> World:
    a = do_create_party(actor=None, name="A GmbH")
    b = do_create_party(actor=None, name="B GmbH")
    rel = do_create_relationship(actor=None, type="supplier", from_party=a, to_party=b)
    unused = do_create_relationship_type(actor=None, **type_data("unused"))
    return {"a": a.pk, "b": b.pk, "r": rel.pk, "t": unused.pk}
