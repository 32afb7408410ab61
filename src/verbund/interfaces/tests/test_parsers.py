"""Value and file parsing: German numbers and dates, delimiters, the background job."""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from verbund.interfaces import actions
from verbund.interfaces.models import ImportRun
from verbund.interfaces.parsers import Reader, parse_date, parse_decimal
from verbund.interfaces.revenue import parse_month


@pytest.mark.parametrize(
    ("text", "style", "value"),
    [
        ("1.234,56", "auto", "1234.56"),
        ("1,234.56", "auto", "1234.56"),
        ("12,5", "auto", "12.5"),
        ("1.234", "de", "1234"),
        ("1.234", "en", "1.234"),
        ("-12,50", "de", "-12.50"),
        ("12,50-", "de", "-12.50"),
        ("1 234,56", "auto", "1234.56"),
    ],
)
def test_it_reads_german_and_english_numbers(text: str, style: str, value: str) -> None:
    assert parse_decimal(text, style) == Decimal(value)


def test_it_refuses_what_is_not_a_number() -> None:
    for text in ("zwölf", "NaN", "1,2,3.4.5x"):
        with pytest.raises(ValueError):
            parse_decimal(text)


def test_it_reads_dates_and_months_in_the_usual_spellings() -> None:
    assert (
        parse_date("31.12.2025")
        == parse_date("2025-12-31")
        == parse_date("20251231")
        == dt.date(2025, 12, 31)
    )
    assert parse_date("2018-01-29T12:29:39.710Z") == dt.date(2018, 1, 29)
    assert (
        parse_month("202512")
        == parse_month("12.2025")
        == parse_month("2025-12")
        == dt.date(2025, 12, 1)
    )
    with pytest.raises(ValueError):
        parse_date("31.02.2025")


@pytest.mark.parametrize("delimiter", [";", ",", "\t", "|"])
def test_it_detects_the_delimiter(delimiter: str, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text(
        delimiter.join(["id", "name"]) + "\n" + delimiter.join(["1", '"A, B; C"']) + "\n",
        encoding="utf-8",
    )
    reader = Reader(path, "csv")
    assert list(reader.rows()) == [(2, {"id": "1", "name": "A, B; C"})]
    assert reader.delimiter == delimiter


@pytest.mark.django_db
def test_the_background_job_runs_a_queued_import(
    tmp_path: Path, write: Callable[..., Path]
) -> None:
    from verbund.interfaces.tasks import run_import

    run = actions.do_create_run(
        actor=None, kind="parties", source="erp", path=write("p.csv", "id;name\nK1;A GmbH\n")
    )
    result = run_import.enqueue(run.pk)
    run.refresh_from_db()
    assert run.status == "done" and run.counts["created"] == 1
    assert result.return_value["created"] == 1
    assert actions.read_progress(ImportRun.objects.get(pk=run.pk))["fraction"] == 1.0
