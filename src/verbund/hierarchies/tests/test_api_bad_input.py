"""Bad input to the hierarchy API: a 400 naming the parameter (404 for ids that are not ids),
never a 500 (the shared probes of verbund.core.testing)."""

from collections.abc import Callable
from typing import Any

import pytest

from verbund.core.testing import OVERLONG, assert_not_ids_are_404, assert_refuses_bad_query
from verbund.relationships.actions import do_create_relationship

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(org: Callable[..., Any]) -> Any:
    child = org("Tochter GmbH")
    do_create_relationship(actor=None, type="group", from_party=child, to_party=org("Mutter AG"))
    return child


@pytest.mark.parametrize("view", ["hierarchy", "ancestors", "group"])
def test_the_hierarchy_reads_refuse_bad_parameters(api_for, child, view):
    url, api = f"/api/v1/parties/{child.pk}/{view}/?type=group", api_for("viewer")
    assert_refuses_bad_query(
        api,
        url,
        {"as_of": ["2025-13-01", "gestern", OVERLONG]},
    )
    assert_refuses_bad_query(api, f"/api/v1/parties/{child.pk}/{view}/", {"type": ["no-such-type"]})


def test_the_tree_refuses_bad_depths_and_nodes(api_for, child):
    assert_refuses_bad_query(
        api_for("viewer"),
        f"/api/v1/parties/{child.pk}/hierarchy/?type=group",
        {"depth": ["-1", "abc"], "node": ["0", "abc", "99999999", str(2**70)]},
    )


def test_a_depth_beyond_any_tree_is_refused(api_for, child):
    assert_refuses_bad_query(
        api_for("viewer"),
        f"/api/v1/parties/{child.pk}/hierarchy/?type=group",
        {"depth": [str(2**70)]},
    )


@pytest.mark.parametrize("view", ["hierarchy", "ancestors", "group"])
def test_ids_that_are_not_ids_are_404(api_for, child, view):
    assert_not_ids_are_404(api_for("viewer"), f"/api/v1/parties/{{}}/{view}/".format)
