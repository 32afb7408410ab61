"""`verbund revenue` with bad input: a non-zero exit and one clear line naming the argument."""

from collections.abc import Callable
from typing import Any

import pytest

from verbund.core.testing import assert_cli_refuses

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("keep_test_connection")]


@pytest.fixture
def party(org: Callable[..., Any]) -> Any:
    return org("Tochter GmbH")


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["K-404"], "K-404"),
        (["{p}", "--scope", "everything"], "--scope"),
        (["{p}", "--structure", "future"], "--structure"),
        (["{p}", "--year", "abc"], "--year"),
        (["{p}", "--from", "2025-13"], "from"),
        (["{p}", "--from", "2025-06", "--to", "2025-01"], "to"),
        (["{p}", "--scope", "group", "--type", "no-such-type"], "no-such-type"),
        (["{p}", "--members", "viele"], "--members"),
    ],
)
def test_revenue_refuses_bad_arguments(capsys, party, args, names):
    assert_cli_refuses(capsys, "revenue", *[a.format(p=party.pk) for a in args], names=names)


@pytest.mark.parametrize("year", ["10000", "-5", "99999999999", "0"])
def test_revenue_refuses_a_year_out_of_range(capsys, party, year):
    assert_cli_refuses(capsys, "revenue", str(party.pk), "--year", year, names="year")


def test_revenue_refuses_a_negative_top(capsys):
    assert_cli_refuses(capsys, "revenue", "--top", "-1", names="--top")
