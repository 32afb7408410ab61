"""A comparison with the year before holds the same months in both years (decision 0050): on
7 December 2025 the year 2025 is January to November 2025 against January to November 2024,
in the overview, its drill-down, the settlement view, the customer file's section, their
exports and ``/api/v1/revenue/top/``, labelled so; a past year stays whole."""

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.utils import translation

from verbund.relationships.actions import do_create_relationship
from verbund.revenue import periods
from verbund.revenue.actions import do_record_revenue, do_set_main_address
from verbund.revenue.periods import Period, comparable, period_label, previous_year

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 12, 7)


@pytest.fixture(autouse=True)
def on_7_december_2025(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(periods, "today", lambda: TODAY)


@pytest.fixture
def world(org: Any) -> dict[str, Any]:
    """Holding and daughter: 100 + 50 a month in 2024, 110 + 50 from January to November 2025
    and, in the current month, December 2025, a first 999 of the holding's. An association
    with one member: 10 a month in 2024, 12 in 2025's first eleven months, 500 in December."""
    h, t = org("Holding AG"), org("Tochter GmbH")
    do_create_relationship(
        actor=None, type="group", from_party=t, to_party=h, valid_from="2010-01-01"
    )
    z, m = org("Verband eG"), org("Mitglied GmbH")
    do_set_main_address(m, z, actor=None, on=dt.date(2010, 1, 1))
    for month in range(1, 13):
        for party, amount in ((h, "100.00"), (t, "50.00"), (m, "10.00")):
            do_record_revenue(actor=None, party=party, month=f"2024-{month:02d}", amount=amount)
        if month < 12:
            for party, amount in ((h, "110.00"), (t, "50.00"), (m, "12.00")):
                do_record_revenue(actor=None, party=party, month=f"2025-{month:02d}", amount=amount)
    do_record_revenue(actor=None, party=h, month="2025-12", amount="999.00")
    do_record_revenue(actor=None, party=m, month="2025-12", amount="500.00")
    return {"h": h, "t": t, "z": z, "m": m}


def test_a_period_reaching_into_the_current_month_ends_with_the_last_complete_month():
    year = Period.year(2025)
    assert comparable(year) == Period(dt.date(2025, 1, 1), dt.date(2025, 11, 1))
    assert previous_year(comparable(year)) == Period(dt.date(2024, 1, 1), dt.date(2024, 11, 1))
    # A past year is compared whole, and so is a period that ended last month.
    assert comparable(Period.year(2024)) == Period.year(2024)
    last_month = Period(dt.date(2025, 6, 1), dt.date(2025, 11, 1))
    assert comparable(last_month) == last_month
    # The fourth quarter: October and November; a span over the turn of the year alike.
    assert comparable(Period.quarter(2025, 4)) == Period(dt.date(2025, 10, 1), dt.date(2025, 11, 1))
    assert comparable(Period(dt.date(2024, 7, 1), dt.date(2026, 3, 1))).last == dt.date(2025, 11, 1)
    # No complete month: the current month against the same month a year before; a period
    # after it stays as asked.
    december = Period(dt.date(2025, 12, 1), dt.date(2025, 12, 1))
    assert comparable(Period(dt.date(2025, 12, 1), dt.date(2026, 5, 1))) == december
    assert comparable(Period.year(2026)) == Period.year(2026)
    # On the first of January the whole year before is complete.
    assert comparable(Period.year(2025), dt.date(2026, 1, 1)) == Period.year(2025)


def test_the_periods_are_named_in_the_users_language():
    with translation.override("de"):
        assert (
            period_label(Period(dt.date(2025, 1, 1), dt.date(2025, 11, 1))) == "Jan.\u2013Nov. 2025"
        )
        assert (
            period_label(Period(dt.date(2025, 3, 1), dt.date(2025, 7, 1))) == "März\u2013Juli 2025"
        )
        assert period_label(Period(dt.date(2025, 12, 1), dt.date(2025, 12, 1))) == "Dez. 2025"
        assert period_label(Period(dt.date(2024, 11, 1), dt.date(2025, 2, 1))) == (
            "Nov. 2024 \u2013 Feb. 2025"
        )
        assert period_label(Period.year(2025)) == "2025"
        assert period_label(Period(dt.date(2023, 1, 1), dt.date(2025, 12, 1))) == "2023\u20132025"
        assert period_label(Period.quarter(2025, 4)) == "Q4 2025"
    with translation.override("en"):
        assert (
            period_label(Period(dt.date(2025, 1, 1), dt.date(2025, 11, 1))) == "Jan.\u2013Nov. 2025"
        )
        assert (
            period_label(Period(dt.date(2025, 3, 1), dt.date(2025, 7, 1))) == "March\u2013July 2025"
        )


def _text(response: Any) -> str:
    return " ".join(response.content.decode().split())


def test_the_overview_compares_the_same_months_of_both_years(client_for, world):
    client = client_for("viewer")
    page = _text(client.get("/revenue/", {"year": "2025"}))
    assert (
        "Jan.\u2013Nov. 2025 im Vergleich zu Jan.\u2013Nov. 2024 (bis zum letzten vollständigen Monat)"
        in page
    )
    # 11 x (110 + 50) against 11 x (100 + 50): December of neither year counts.
    assert "1.760,00 €" in page and "1.650,00 €" in page and "6,7 %" in page
    assert "2.759,00 €" not in page and "1.800,00 €" not in page
    # A past year stays whole: 12 x 150 against nothing in 2023.
    past = _text(client.get("/revenue/", {"year": "2024"}))
    assert "2024 im Vergleich zu 2023 ·" in past and "1.800,00 €" in past
    english = _text(client.get("/revenue/", {"year": "2025"}, HTTP_ACCEPT_LANGUAGE="en"))
    assert (
        "Jan.\u2013Nov. 2025 compared with Jan.\u2013Nov. 2024 (up to the last complete month)"
        in english
    )
    # The fourth quarter: October and November.
    quarter = _text(client.get("/revenue/", {"span": "quarter", "year": "2025", "quarter": "4"}))
    assert "Okt.\u2013Nov. 2025 im Vergleich zu Okt.\u2013Nov. 2024" in quarter
    assert "320,00 €" in quarter and "300,00 €" in quarter


@pytest.mark.parametrize("mode", ["current", "historic"])
def test_the_api_says_which_months_it_compared(api_for, world, mode):
    api = api_for("viewer")
    answer = api.get("/api/v1/revenue/top/", {"year": "2025", "mode": mode})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["from"], body["to"]) == ("2025-01", "2025-11")
    assert (body["previous_from"], body["previous_to"]) == ("2024-01", "2024-11")
    row = body["rows"][0]
    assert (row["amount"], row["previous_amount"], row["change_percent"]) == (
        "1760.00",
        "1650.00",
        "6.7",
    )
    # The drill-down's answer alike.
    head = api.get("/api/v1/revenue/top/", {"year": "2025", "mode": mode, "head": world["h"].pk})
    assert head.json()["head"]["amount"] == "1760.00"
    assert head.json()["head"]["previous_amount"] == "1650.00"


def test_the_drill_down_and_its_export_hold_the_same_months(client_for, world):
    client = client_for("viewer")
    url = f"/revenue/heads/{world['h'].pk}/"
    page = _text(client.get(url, {"year": "2025"}))
    assert (
        "Jan.\u2013Nov. 2025 im Vergleich zu Jan.\u2013Nov. 2024" in page and "1.760,00 €" in page
    )
    export = client.get(f"{url}export.csv", {"year": "2025"})
    assert 'filename="umsatz-' in export["Content-Disposition"]
    assert "-202501-202511.csv" in export["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    # Months as the page names them, not the API's "2025-01".
    assert ["Zeitraum", "Jan. 2025", "Nov. 2025"] in rows
    assert ["Vorjahr", "Jan. 2024", "Nov. 2024"] in rows
    assert ["Summe (EUR)", "1760,00", "1650,00"] in rows


def test_the_settlement_view_compares_the_same_months(client_for, world):
    page = _text(
        client_for("viewer").get(f"/parties/{world['z'].pk}/settlement/", {"year": "2025"})
    )
    assert "Jan.\u2013Nov. 2025 im Vergleich zu Jan.\u2013Nov. 2024" in page
    # 11 x 12 against 11 x 10; December's 500 is in neither.
    assert "<strong>132,00 €</strong> (Jan.\u2013Nov. 2024: 110,00 €)" in page


def test_the_customer_files_section_compares_the_same_months(client_for, world):
    client = client_for("viewer")
    url = f"/parties/{world['h'].pk}/revenue/"
    section = _text(client.get(url, {"rev_year": "2025"}))
    assert (
        "Jan.\u2013Nov. 2025 im Vergleich zu Jan.\u2013Nov. 2024 (bis zum letzten vollständigen Monat)"
        in section
    )
    assert 'Konzern-Umsatz <span class="muted">Jan.\u2013Nov. 2025</span>' in section
    assert "<strong>1.760,00 €</strong>" in section
    assert "Jan.\u2013Nov. 2024: 1.650,00 € (+6,7 %)" in section
    client.cookies["django_language"] = "en"
    english = client.get(url, {"rev_year": "2025"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "(+6.7%)" in english
    client.cookies["django_language"] = "de"
    # The year chosen stays chosen, the months asked for stay in their fields; the exports
    # hold the months shown.
    assert '<option value="2025" selected>' in section
    assert 'name="rev_to" value="12.2025"' in section
    assert "scope=group&amp;type=group&amp;from=2025-01&amp;to=2025-11" in section
    # A past year: whole, the previous year's total beside it.
    past = _text(client.get(url, {"rev_year": "2024"}))
    assert 'data-testid="revenue-compared">2024 im Vergleich zu 2023</p>' in past
    assert "<strong>1.800,00 €</strong>" in past


def test_in_january_the_running_month_is_said_to_be_running_not_complete(client_for, org):
    from verbund.revenue.periods import running

    january = dt.date(2027, 1, 15)
    compared = comparable(Period.year(2027), january)
    assert compared == Period(dt.date(2027, 1, 1), dt.date(2027, 1, 1))
    assert running(compared, january)
    assert not running(comparable(Period.year(2025), january), january)
    # On the pages (today pinned to 7 December 2025): December so far is the running month.
    party = org("Laufend GmbH")
    do_record_revenue(actor=None, party=party, month="2025-12", amount="10.00")
    page = client_for("viewer").get(
        "/revenue/", {"period": "months", "from": "12.2025", "to": "12.2025"},
        HTTP_ACCEPT_LANGUAGE="de",
    ).content.decode()  # fmt: skip
    assert "(der laufende Monat bis heute)" in page
    assert "(bis zum letzten vollständigen Monat)" not in page
