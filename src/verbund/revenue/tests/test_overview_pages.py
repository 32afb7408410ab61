"""The revenue overview, its drill-down, the central settlement view and their exports answer
in German with the figures of the analysis; bad parameters name their field (#18.1, #18.2)."""

import csv
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from verbund.relationships.actions import do_create_relationship
from verbund.revenue.actions import do_record_revenue, do_set_main_address

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org: Any) -> dict[str, Any]:
    h, t = org("Holding AG"), org("Tochter GmbH")
    do_create_relationship(
        actor=None, type="group", from_party=t, to_party=h, valid_from="2010-01-01"
    )
    z, m, d, e = org("Verband eG"), org("Mitglied GmbH"), org("Filiale KG"), org("Leer KG")
    do_set_main_address(m, z, actor=None)
    do_set_main_address(d, m, actor=None)
    do_set_main_address(e, m, actor=None)
    for p in (h, t, m, d):
        do_record_revenue(actor=None, party=p, month="2025-03", amount="100.00")
        do_record_revenue(actor=None, party=p, month="2024-03", amount="80.00")
    return {"h": h, "t": t, "z": z, "m": m, "d": d, "e": e}


def test_the_overview_ranks_the_groups_in_german(client_for, world):
    page = client_for("viewer").get("/revenue/", {"year": "2025"}).content.decode()
    assert "Umsatzanalyse" in page
    assert "200,00 €" in page and "160,00 €" in page and "25,0\u00a0%" in page
    assert "Konzerne: 1 von 1" in page
    assert "<svg" in page and "<title>" in page


def test_a_quarter_by_the_structure_of_each_month_and_the_drill_down_answer(client_for, world):
    client = client_for("viewer")
    answer = client.get(
        "/revenue/", {"span": "quarter", "year": "2025", "quarter": "1", "mode": "historic"}
    )
    assert answer.status_code == 200
    assert "Q1 2025" in answer.content.decode()
    drill = client.get(f"/revenue/heads/{world['h'].pk}/", {"year": "2025"}).content.decode()
    assert "Tochter GmbH" in drill and "Mitglieder: 2 von 2" in drill
    assert "revenue-treemap" in drill


def test_the_exports_hold_every_row_as_numbers(client_for, world):
    client = client_for("viewer")
    raw = client.get("/revenue/export.csv", {"year": "2025"}).content
    # For German Excel, as the hierarchy and selection exports: a byte order mark first (the
    # umlauts of "Veränderung" stay umlauts), ";" between cells, the decimal comma.
    assert raw.startswith(
        b"\xef\xbb\xbfRang;Nummer;Name;Umsatz (EUR);Vorjahr (EUR);Ver\xc3\xa4nderung"
    )
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert [
        "1",
        world["h"].number,
        "Holding AG",
        "200,00",
        "160,00",
        "40,00",
        "25,0",
        "100,0",
        "A",
        "2",
    ] in rows
    # The header leads (a spreadsheet filters and sorts the table); periods and totals follow.
    assert len(rows[0]) == 10 and rows[1][0] == "1"
    assert rows.index([]) == 2 and rows[-1][1:] == ["200,00", "160,00"]
    answer = client.get(f"/revenue/heads/{world['h'].pk}/export.xlsx", {"year": "2025"})
    book = load_workbook(io.BytesIO(b"".join(answer.streaming_content)))
    values = [list(r) for r in book.active.iter_rows(values_only=True)]
    # The workbook keeps numbers as numbers.
    assert any(
        r[:3] == [2, world["t"].number, "Tochter GmbH"] and r[3] == 100 and r[6] == 25
        for r in values
    )


def test_every_revenue_csv_is_written_for_german_excel(client_for, world):
    client = client_for("viewer")
    for url, params in (
        (f"/revenue/heads/{world['h'].pk}/export.csv", {"year": "2025"}),
        (f"/parties/{world['z'].pk}/settlement/export.csv", {"year": "2025"}),
        (f"/parties/{world['h'].pk}/revenue/export.csv", {"scope": "group", "year": "2025"}),
    ):
        raw = client.get(url, params).content
        assert raw.startswith(b"\xef\xbb\xbf"), url
        cells = [
            c
            for row in csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";")
            for c in row
        ]
        assert "200,00" in cells or "100,00" in cells, url
        assert not any("." in c and c.replace(".", "").lstrip("-").isdigit() for c in cells), url


def test_the_settlement_view_lists_every_delivery_address_with_subtotals(client_for, world):
    page = client_for("viewer").get(f"/parties/{world['z'].pk}/settlement/", {"year": "2025"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "Filiale KG" in text and "Leer KG" in text
    # Member "Mitglied GmbH": its own 100,00 € and its branch's 100,00 €.
    assert "Je Mitglied" in text and "200,00 €" in text
    assert "Ohne Umsatz im Zeitraum 2025" in text or "Ohne Umsatz in 2025" in text


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/revenue/?kind=nope", "kind"),
        ("/revenue/?mode=sometimes", "mode"),
        ("/revenue/?span=months&from=2025-13", "from"),
        ("/revenue/?span=quarter&year=2025&quarter=5", "quarter"),
    ],
)
def test_bad_parameters_answer_400_naming_the_field(client_for, world, url, field):
    answer = client_for("viewer").get(url)
    assert answer.status_code == 400
    assert field in answer.content.decode()


def test_the_settlement_view_refuses_an_unknown_sort(client_for, world):
    answer = client_for("viewer").get(f"/parties/{world['z'].pk}/settlement/?sort=colour")
    assert answer.status_code == 400
    assert "sort" in answer.content.decode()


def test_each_list_of_the_settlement_view_says_how_many_of_how_many_it_shows(client_for, world):
    url = f"/parties/{world['z'].pk}/settlement/"
    text = client_for("viewer").get(url, {"year": "2025"}).content.decode()
    # Mitglied GmbH, Filiale KG and Leer KG; Leer KG without revenue.
    assert 'data-testid="settlement-count">Lieferadressen: 3 von 3<' in text
    assert 'data-testid="settlement-members-count">Je Mitglied: 1 von 1<' in text
    # Without a sub-association (Mitglied GmbH settles its two addresses directly): one line,
    # no empty table under "0 von 0".
    own = client_for("viewer").get(f"/parties/{world['m'].pk}/settlement/", {"year": "2025"})
    assert 'data-testid="settlement-subs-count">Keine Unterverbände.<' in own.content.decode()
    assert 'data-testid="settlement-subs"' not in own.content.decode()
    assert 'data-testid="settlement-without-revenue-count">1 von 1<' in text
    assert "3 Lieferadressen, 1 ohne Umsatz" in " ".join(text.split())
    english = client_for("viewer").get(url, {"year": "2025"}, HTTP_ACCEPT_LANGUAGE="en")
    assert 'data-testid="settlement-count">Delivery addresses: 3 of 3<' in english.content.decode()


def test_a_partys_export_names_months_scope_structure_and_type_as_the_pages_do(
    client_for, api_for, world
):
    client = client_for("viewer")
    url = f"/parties/{world['h'].pk}/revenue/export"
    params = {"scope": "group", "type": "group", "year": "2025", "structure": "historic"}

    def lines(fmt: str, language: str) -> list[list[Any]]:
        answer = client.get(f"{url}.{fmt}", params, HTTP_ACCEPT_LANGUAGE=language)
        if fmt == "csv":
            text = answer.content.decode("utf-8-sig")
            return list(csv.reader(io.StringIO(text), delimiter=";"))
        book = load_workbook(io.BytesIO(b"".join(answer.streaming_content)))
        return [[c for c in r if c is not None] for r in book.active.iter_rows(values_only=True)]

    german = lines("csv", "de")
    assert ["März 2025", "", "", "200,00"] in german
    assert ["Umfang", "die ganze Gruppe"] in german
    assert ["Struktur", "Struktur des jeweiligen Monats"] in german
    assert ["Art", "Konzern"] in german
    assert ["Zeitraum", "Jan. 2025", "Dez. 2025"] in german
    english = lines("csv", "en")
    assert ["March 2025", "", "", "200,00"] in english
    assert ["Scope", "the whole group"] in english
    assert ["Structure", "structure of each month"] in english
    assert ["Type", "Corporate group"] in english
    assert ["Period", "Jan. 2025", "Dec. 2025"] in english
    # No key and no ISO month in either.
    cells = {c for row in german + english for c in row}
    assert not cells & {"group", "historic", "2025-01", "2025-03", "2025-12"}
    # The workbook, for people too, reads the same.
    book = lines("xlsx", "de")
    assert ["Umfang", "die ganze Gruppe"] in book and ["Zeitraum", "Jan. 2025", "Dez. 2025"] in book
    # The API, a machine format, keeps the months and keys.
    api = api_for("viewer").get(f"/api/v1/parties/{world['h'].pk}/revenue/", params).json()
    assert api["scope"] == "group" and api["structure"] == "historic"
    assert any(m["month"] == "2025-03" for m in api["months"])


def test_the_changes_and_shares_read_as_english_percentages_without_a_space(client_for, world):
    from verbund.revenue.charts import change_text

    client = client_for("viewer")
    client.cookies["django_language"] = "en"
    page = client.get("/revenue/", {"year": "2025"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ">25.0%<" in page and "25.0 %" not in page
    assert "A up to 80% of the revenue, B the next 15%" in page
    settlement = client.get(
        f"/parties/{world['z'].pk}/settlement/", {"year": "2025"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert ">25.0%<" in settlement and " %<" not in settlement
    from django.utils import translation

    with translation.override("en"):
        assert change_text(5000, 4000) == ", +25.0%"
    with translation.override("de"):
        assert change_text(5000, 4000) == ", +25,0\u00a0%"
