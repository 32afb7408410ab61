"""`verbund hierarchy` with bad input: a non-zero exit and one clear line naming the argument."""

from collections.abc import Callable
from typing import Any

import pytest

from verbund.core.testing import assert_cli_refuses
from verbund.relationships.actions import do_create_relationship

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("keep_test_connection")]


@pytest.fixture
def child(org: Callable[..., Any]) -> str:
    child = org("Tochter GmbH")
    do_create_relationship(actor=None, type="group", from_party=child, to_party=org("Mutter AG"))
    return str(child.pk)


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["K-404"], "K-404"),
        (["{c}", "--type", "no-such-type"], "no-such-type"),
        (["{c}", "--type", "group", "--as-of", "gestern"], "gestern"),
        (["{c}", "--depth", "tief"], "--depth"),
    ],
)
def test_hierarchy_refuses_bad_arguments(capsys, child, args, names):
    assert_cli_refuses(capsys, "hierarchy", *[a.format(c=child) for a in args], names=names)


def test_hierarchy_refuses_a_depth_beyond_any_tree(capsys, child):
    assert_cli_refuses(
        capsys, "hierarchy", child, "--type", "group", "--depth", str(2**70), names="depth"
    )
