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


def test_the_command_names_scope_structure_type_and_months_as_the_pages_do(
    capsys: Any, org: Callable[..., Any]
) -> None:
    from verbund.core.testing import run_cli
    from verbund.relationships.actions import do_create_relationship
    from verbund.revenue.actions import do_record_revenue

    top, shop = org("Mutter AG"), org("Filiale GmbH")
    do_create_relationship(actor=None, type="group", from_party=shop, to_party=top)
    do_record_revenue(actor=None, party=shop, month="2025-03", amount="1200.00")
    code, out, err = run_cli(capsys, "revenue", str(top.pk), "--scope", "group", "--year", "2025")
    assert code == 0, err
    assert "Umfang: die ganze Gruppe [Konzern]" in out
    assert "Struktur: heutige Struktur" in out and "Zeitraum: 2025" in out
    assert "März 2025" in out and "2025-03" not in out
    for key in ("group", "current"):
        assert f": {key}" not in out, key
