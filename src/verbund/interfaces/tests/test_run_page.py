"""The run page says a sampled change in the words of ``selectors.change_text``, the same
function the command line uses: a party's fields, a link's values, a revenue figure."""

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from verbund.interfaces import selectors
from verbund.interfaces.actions import do_sync
from verbund.revenue.actions import do_set_currency_rate

pytestmark = pytest.mark.django_db


def cells(html: str) -> list[str]:
    return re.findall(r'<td class="changes-cell">(.*?)</td>', html)


@pytest.fixture
def steward(make_user: Callable[..., Any]) -> Client:
    client = Client()
    client.force_login(make_user("steward"))
    return client


def test_the_run_page_says_each_sampled_change_as_the_command_line_does(steward: Client) -> None:
    parties = [
        {"external_id": "K1", "name": "A AG", "city": "Köln"},
        {"external_id": "K2", "name": "B"},
    ]
    do_sync(actor=None, kind="parties", source="sap", records=parties)
    moved, _ = do_sync(
        actor=None, kind="parties", source="sap",
        records=[{"external_id": "K1", "name": "A AG", "city": "Bonn"}, {"external_id": "K2", "name": "B"}],
    )  # fmt: skip
    link = {"type": "supplier", "from": "K1", "to": "K2", "note": "alt"}
    do_sync(actor=None, kind="relationships", source="sap", records=[link])
    noted, _ = do_sync(
        actor=None, kind="relationships", source="sap", records=[{**link, "note": "neu"}]
    )
    revenue = {"party": "K1", "month": "2025-01", "amount": "10.00"}
    do_sync(actor=None, kind="revenue", source="sap", records=[revenue])
    raised, _ = do_sync(
        actor=None, kind="revenue", source="sap", records=[{**revenue, "amount": "12.50"}]
    )
    with translation.override("de"):
        labels = selectors.party_field_labels()
        for run in (moved, noted, raised):
            run.refresh_from_db()
            html = steward.get(f"/imports/{run.pk}/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
            expected = [selectors.change_text(d, labels) for d in run.report["diffs"]]
            assert cells(html) == expected and expected
    assert cells(steward.get(f"/imports/{moved.pk}/").content.decode()) == ["Ort: Köln → Bonn"]

    assert cells(steward.get(f"/imports/{noted.pk}/").content.decode()) == ["Notiz: alt → neu"]
    assert cells(steward.get(f"/imports/{raised.pk}/").content.decode()) == ["10,00 € → 12,50 €"]


def test_a_links_share_reads_as_a_percentage_in_the_readers_language(steward: Client) -> None:
    parties = [{"external_id": "K1", "name": "A AG"}, {"external_id": "K2", "name": "B AG"}]
    do_sync(actor=None, kind="parties", source="sap", records=parties)
    link = {"type": "group", "from": "K1", "to": "K2", "share": "50"}
    first, _ = do_sync(actor=None, kind="relationships", source="sap", records=[link])
    assert first.status == "done", first.report
    changed, _ = do_sync(
        actor=None, kind="relationships", source="sap", records=[{**link, "share": "12,5"}]
    )
    assert cells(steward.get(f"/imports/{changed.pk}/").content.decode()) == [
        "Anteil (%): 50\u00a0% → 12,5\u00a0%"
    ]
    english = steward.get(f"/imports/{changed.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert cells(english.content.decode()) == ["Share (%): 50% → 12.5%"]


def test_a_revenue_figure_whose_currency_alone_changed_says_both_currencies(
    steward: Client,
) -> None:
    do_sync(actor=None, kind="parties", source="sap", records=[{"external_id": "K1", "name": "A"}])
    for currency, rate in (("CHF", "1.05"), ("USD", "0.9")):
        do_set_currency_rate(actor=None, currency=currency, month=dt.date(2025, 1, 1), per_eur=rate)
    revenue = {"party": "K1", "month": "2025-01", "amount": "10.00", "currency": "CHF"}
    do_sync(actor=None, kind="revenue", source="sap", records=[revenue])
    moved, _ = do_sync(
        actor=None, kind="revenue", source="sap", records=[{**revenue, "currency": "USD"}]
    )
    assert cells(steward.get(f"/imports/{moved.pk}/").content.decode()) == ["10,00 CHF → 10,00 USD"]
    # A run recorded before the currencies were kept says its amounts alone.
    with translation.override("de"):
        old = {"row": 2, "key": "K1", "before": "10.00", "after": "12.5"}
        assert selectors.change_text(old, {}) == "10,00 → 12,50"


def test_a_links_changed_dates_read_as_dates_and_its_unchanged_values_are_not_repeated() -> None:
    diff = {"before": ["2024-01-01", "", "50", "x"], "after": ["2024-02-01", "", "50", "x"]}
    with translation.override("de"):
        assert selectors.change_text(diff, selectors.party_field_labels()) == (
            "Gültig ab: 01.01.2024 → 01.02.2024"
        )
    with translation.override("en"):
        assert selectors.change_text(diff, selectors.party_field_labels()).startswith("Valid from:")


def test_the_upload_form_offers_the_sources_of_earlier_runs_most_recent_first(
    steward: Client,
) -> None:
    do_sync(actor=None, kind="parties", source="erp", records=[{"external_id": "K1", "name": "A"}])
    do_sync(actor=None, kind="parties", source="SAP", records=[{"external_id": "K1", "name": "A"}])
    html = steward.get("/imports/").content.decode()
    assert 'list="import-sources"' in html
    offered = re.search(r'<datalist id="import-sources">(.*?)</datalist>', html)
    assert offered is not None
    assert re.findall(r'<option value="([^"]+)">', offered.group(1)) == ["SAP", "erp"]


def test_a_source_only_a_dry_run_named_is_not_offered_again(steward: Client) -> None:
    do_sync(actor=None, kind="parties", source="SAP", records=[{"external_id": "K1", "name": "A"}])
    do_sync(
        actor=None,
        kind="parties",
        source="erp",
        records=[{"external_id": "K1", "name": "A"}],
        dry_run=True,
    )
    html = steward.get("/imports/").content.decode()
    offered = re.search(r'<datalist id="import-sources">(.*?)</datalist>', html)
    assert offered is not None
    assert re.findall(r'<option value="([^"]+)">', offered.group(1)) == ["SAP"]


def test_an_api_batch_says_so_as_its_format_with_the_size_of_its_json(steward: Client) -> None:
    records = [{"external_id": f"K{i}", "name": f"Firma {i} GmbH"} for i in range(40)]
    run, _ = do_sync(actor=None, kind="parties", source="sap", records=records)
    # The size of the batch's JSON, not the number of its records (40 showed as "40 Bytes").
    assert run.file_size > 40 * len('{"external_id": "K0", "name": "Firma 0 GmbH"}') // 2
    page = steward.get(f"/imports/{run.pk}/").content.decode()
    facts = re.search(r"<dt>Format</dt><dd>(.*?)</dd>", page)
    assert facts is not None and facts.group(1).startswith("API-Stapel (JSON) · ")
    assert "Byte" not in facts.group(1) or "KB" in facts.group(1)
