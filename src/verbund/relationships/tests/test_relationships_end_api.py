"""Ending a relationship through the API: the row stays with its last valid day; an end the
stored one refuses is a 409, an end before the start a 400 (decision 0038, revision 3)."""

import datetime as dt

import pytest

from verbund.core.testing import assert_409_as_the_action_refuses
from verbund.core.tests.openapi import api_schema
from verbund.relationships.actions import do_create_relationship, do_end_relationship
from verbund.relationships.models import Relationship
from verbund.relationships.tests.test_relationships_api import URL, assert_400

pytestmark = pytest.mark.django_db


def test_ending_through_the_api_sets_valid_to_and_keeps_the_row(editor, org):
    rel = do_create_relationship(
        actor=None, type="supplier", from_party=org("A"), to_party=org("B"), valid_from="2020-01-01"
    )
    response = editor.post(f"{URL}{rel.pk}/end/", {"valid_to": "2024-06-30"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["valid_to"] == "2024-06-30"
    assert Relationship.objects.filter(pk=rel.pk, valid_from=dt.date(2020, 1, 1)).exists()
    # Ended already, on or before the day asked: the stored end refuses, as the action does.
    for day in ("2025-01-01", "2024-06-30"):
        assert_409_as_the_action_refuses(
            editor.post(f"{URL}{rel.pk}/end/", {"valid_to": day}, format="json"),
            lambda: do_end_relationship(rel, actor=None, valid_to=dt.date(2025, 1, 1)),
        )
    assert Relationship.objects.get(pk=rel.pk).valid_to == dt.date(2024, 6, 30)
    assert_400(
        editor.post(f"{URL}{rel.pk}/end/", {"valid_to": "30.06.2024"}, format="json"), "valid_to"
    )


def test_the_schema_documents_the_409_of_ending_a_relationship_that_ended_already():
    response = api_schema()["paths"]["/api/v1/relationships/{id}/end/"]["post"]["responses"]["409"]
    body = response["content"]["application/json"]["schema"]
    assert set(body["properties"]) == {"valid_to", "non_field_errors"}
    assert "ended" in response["description"]


def test_ending_before_the_start_is_a_400(editor, org):
    rel = do_create_relationship(
        actor=None, type="supplier", from_party=org("A"), to_party=org("B"), valid_from="2020-01-01"
    )
    assert_400(
        editor.post(f"{URL}{rel.pk}/end/", {"valid_to": "2019-12-31"}, format="json"), "valid_to"
    )
