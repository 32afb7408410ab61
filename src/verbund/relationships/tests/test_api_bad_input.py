"""Bad input to the relationships API: a 400 naming the field (404 for ids that are not ids),
never a 500 (the shared probes of verbund.core.testing)."""

from collections.abc import Callable
from typing import Any

import pytest

from verbund.core.testing import (
    assert_not_ids_are_404,
    assert_refuses_bad_input,
    assert_refuses_bad_query,
)
from verbund.relationships.actions import do_create_relationship
from verbund.relationships.tests.routes import type_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def steward(api_for: Callable[..., Any]) -> Any:
    return api_for("steward")


@pytest.fixture
def link(org: Callable[..., Any]) -> Any:
    return do_create_relationship(
        actor=None, type="supplier", from_party=org("A GmbH"), to_party=org("B GmbH")
    )


def test_creating_a_relationship_refuses_bad_input(steward, org):
    body = {
        "type": "consultant",
        "from_party": org("Berater GmbH").pk,
        "to_party": org("Kunde AG").pk,
        "valid_from": "2024-01-01",
        "note": "seit Messe",
    }
    assert_refuses_bad_input(steward, "/api/v1/relationships/", body)


def test_changing_a_relationship_refuses_bad_input(steward, link):
    body = {"valid_from": "2020-01-01", "note": "geprüft", "external_ref": "X-1"}
    url = f"/api/v1/relationships/{link.pk}/"
    assert_refuses_bad_input(steward, url, body, method="patch")


def test_ending_a_relationship_refuses_bad_input(steward, link):
    url = f"/api/v1/relationships/{link.pk}/end/"
    assert_refuses_bad_input(steward, url, {"valid_to": "2030-12-31", "note": "Vertrag endet"})


def test_creating_a_type_refuses_bad_input(steward):
    body = {**type_data("franchise"), "symmetric": False, "order": 5, "colour": "#123456"}
    assert_refuses_bad_input(steward, "/api/v1/relationship-types/", body)


@pytest.mark.parametrize(
    ("template", "method"),
    [
        ("/api/v1/relationships/{}/", "get"),
        ("/api/v1/relationships/{}/", "patch"),
        ("/api/v1/relationships/{}/end/", "post"),
        ("/api/v1/relationship-types/{}/", "get"),
        ("/api/v1/relationship-types/{}/", "delete"),
    ],
)
def test_ids_that_are_not_ids_are_404(steward, link, template, method):
    assert_not_ids_are_404(steward, template.format, method=method, body={"note": "x"})


def test_the_lists_refuse_bad_filters(steward, link):
    assert_refuses_bad_query(
        steward,
        "/api/v1/relationships/",
        {
            "type": ["no-such-type"],
            "party": ["abc", str(2**64), "null,null"],
            "valid_on": ["2025-13-01"],
            "source": ["fax"],
        },
    )
    assert_refuses_bad_query(steward, "/api/v1/relationship-types/", {"structure": ["ring"]})
