"""`verbund relationship` with bad input, through the shared helper: a non-zero exit and one
clear line naming the option, no traceback."""

from collections.abc import Callable
from typing import Any

import pytest

from verbund.core.testing import assert_cli_refuses

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(org: Callable[..., Any]) -> tuple[str, str]:
    return str(org("A GmbH").pk), str(org("B GmbH").pk)


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["add", "--type", "no-such-type", "--from", "{a}", "--to", "{b}"], "--type"),
        (["add", "--type", "supplier", "--from", "{a}", "--to", "{a}"], "--to"),
        (["add", "--type", "supplier", "--from", "K-404", "--to", "{b}"], "--from"),
        (
            [
                "add",
                "--type",
                "supplier",
                "--from",
                "{a}",
                "--to",
                "{b}",
                "--valid-from",
                "gestern",
            ],
            "--valid-from",
        ),
        (["add", "--type", "group", "--from", "{a}", "--to", "{b}", "--share", "abc"], "--share"),
        (["add", "--type", "supplier"], "--from"),
        (["list", "{a}", "--as-of", "2025-13-01"], "2025-13-01"),
        (["types", "--nonsense"], "--nonsense"),
    ],
)
def test_relationship_refuses_bad_arguments(capsys, two, args, names):
    a, b = two
    assert_cli_refuses(capsys, "relationship", *[x.format(a=a, b=b) for x in args], names=names)


@pytest.mark.parametrize("args", [["end", "999999"], ["list", "K-404"]])
def test_a_positional_argument_is_not_named_as_an_option(capsys, two, args):
    error = assert_cli_refuses(capsys, "relationship", *args, names=args[1])
    assert "(--id)" not in error and "(--ref)" not in error
