"""In headless Chromium, German UI, 1,024 px: filter the party list, save the filters as a
selection (seeing the count first), reopen it from the list of selections, open it in the
party list again, and export it as Excel. Skips where no Chromium is installed."""

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from verbund.parties.actions import do_create_party
from verbund.relationships.actions import do_create_relationship
from verbund.revenue.actions import do_record_revenue
from verbund.selections.rules import last_twelve_months
from verbund.web.testing import browser_login, browser_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    yield from browser_page(monkeypatch)


def test_save_reopen_and_export_a_selection(live_server, page):
    holding = do_create_party(actor=None, name="Müller Holding AG", city="Köln", postcode="50667")
    members = []
    for i, city in enumerate(["Bonn", "Bonn", "Köln", "Bonn"]):
        member = do_create_party(actor=None, name=f"Müller Tochter {i} GmbH", city=city)
        do_create_relationship(actor=None, type="group", from_party=member, to_party=holding)
        members.append(member)
    do_create_party(actor=None, name="Fremd Bonn GmbH", city="Bonn")
    _first, last = last_twelve_months()
    do_record_revenue(actor=None, party=members[0], month=last, amount="99.00")
    expect = pytest.importorskip("playwright.sync_api").expect
    base = live_server.url
    browser_login(page, base, "editor")

    # The white space of the group: members of the group in Bonn without revenue.
    page.goto(f"{base}/parties/{members[1].pk}/")
    # Counted when the line is opened: 4 of the 5 (holding and members) have no revenue.
    page.locator("[data-testid=white-space-group] summary").click()
    link = page.locator("[data-testid=white-space-link]")
    expect(link).to_have_text("Konzern: 4 Mitglieder ohne Umsatz (von 5)")
    link.wait_for()
    link.click()
    page.wait_for_load_state()
    page.fill("#id_city", "Bonn")
    page.locator("[data-testid=filters] button[type=submit]").click()
    page.wait_for_load_state()
    rows = page.locator("[data-testid=party-table] tbody tr")
    expect(rows).to_have_count(2)

    page.locator("[data-testid=save-selection]").click()
    page.wait_for_load_state()
    expect(page.locator("[data-testid=selection-preview-count]")).to_have_text(
        "Diese Filter wählen jetzt 2 Adressen."
    )
    page.fill("#id_name", "Weiße Flecken Müller in Bonn")
    page.select_option("#id_shared_with", "editor")
    page.locator("[data-testid=save-selection-submit]").click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_text("Weiße Flecken Müller in Bonn")

    # Reopen it from the list of selections, with its count loaded after the page.
    page.goto(f"{base}/selections/")
    expect(page.locator("[data-testid=selection-count]")).to_have_text("2")
    page.get_by_role("link", name="Weiße Flecken Müller in Bonn").click()
    page.wait_for_load_state()
    expect(page.locator("[data-testid=selection-detail-count]")).to_have_text("Adressen: 2 von 2")
    page.locator("[data-testid=open-selection]").click()
    page.wait_for_load_state()
    expect(page.locator("[data-testid=party-table] tbody tr")).to_have_count(2)
    assert page.locator("#id_city").input_value() == "Bonn"
    page.go_back()
    page.wait_for_load_state()

    with page.expect_download() as download:
        page.locator("[data-testid=export-xlsx]").click()
    path = download.value.path()
    book = load_workbook(io.BytesIO(Path(path).read_bytes()))
    names = sorted(r[1] for r in list(book.active.iter_rows(values_only=True))[1:])
    assert names == ["Müller Tochter 1 GmbH", "Müller Tochter 3 GmbH"]


def test_change_every_party_of_a_selection_after_seeing_what_and_how_many(live_server, page):
    from django.contrib.auth.models import User

    from verbund.selections.actions import do_save_selection

    User.objects.create_user("anna", first_name="Anna", last_name="Arndt")
    for name in ("Alpha GmbH", "Beta AG"):
        do_create_party(actor=None, name=name, city="Bonn", tags=["Newsletter"])
    do_create_party(actor=None, name="Köln KG", city="Köln", tags=["Newsletter"])
    base = live_server.url
    owner = browser_login(page, base, "editor")
    selection = do_save_selection(actor=owner, name="Bonner Kunden", filters={"city": "Bonn"})

    page.goto(f"{base}/selections/{selection.pk}/")
    page.get_by_test_id("change-parties-link").click()
    page.wait_for_url(f"**/selections/{selection.pk}/change/")
    assert "Die Selektion enthält jetzt 2 Adressen." in page.content()
    page.get_by_label("Verantwortlich").select_option(label="Anna Arndt")
    page.get_by_label("Schlagwort ergänzen").fill("Messe 2027")
    page.get_by_label("Schlagwort entfernen").select_option(label="Newsletter")
    page.get_by_test_id("change-next").click()
    summary = page.get_by_test_id("change-parties").inner_text()
    assert "Dies ändert höchstens 2 Adressen der Selektion:" in summary
    assert "Verantwortlich: Anna Arndt" in summary
    assert "Schlagwort „Messe 2027“ ergänzen" in summary
    page.get_by_test_id("change-confirm").click()
    page.wait_for_url(f"**/selections/{selection.pk}/")
    assert "2 Adressen geändert." in page.content()

    # The file of one of them: Anna, the new tag, and the change in its history.
    page.get_by_role("link", name="Alpha GmbH").click()
    head = page.get_by_test_id("file-head").inner_text()
    assert "Anna Arndt" in head and "Messe 2027" in head and "Newsletter" not in head
    history = page.locator("#history").inner_text()
    assert "Geändert für die Selektion „Bonner Kunden“" in history

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/selections/{selection.pk}/change/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_change_a_selection_too_big_to_wait_for_in_the_background(live_server, page, monkeypatch):
    """Above the limit (set to 1 here) the confirmation starts a background run (inline, as
    the tests run jobs) and opens its page: the result, a link back to the selection; a run
    still going shows its progress and turns into its result without a reload."""
    from verbund.parties import rules
    from verbund.selections import runs
    from verbund.selections.actions import do_save_selection
    from verbund.selections.models import ChangeRun, ChangeRunStatus

    monkeypatch.setattr(rules, "CHANGE_MANY_LIMIT", 1)
    for name in ("Alpha GmbH", "Beta AG"):
        do_create_party(actor=None, name=name, city="Bonn")
    base = live_server.url
    owner = browser_login(page, base, "editor")
    selection = do_save_selection(actor=owner, name="Bonner Kunden", filters={"city": "Bonn"})

    page.goto(f"{base}/selections/{selection.pk}/change/")
    page.get_by_label("Schlagwort ergänzen").fill("Messe 2027")
    page.get_by_test_id("change-next").click()
    page.get_by_test_id("change-background").wait_for()
    assert "im Hintergrund" in page.get_by_test_id("change-background").inner_text()
    page.get_by_test_id("change-confirm").click()
    page.wait_for_url("**/selections/change-runs/*/")
    result = page.get_by_test_id("change-run-result").inner_text()
    assert "2 von 2 Adressen geändert." in result
    page.get_by_test_id("change-run-back").click()
    page.wait_for_url(f"**/selections/{selection.pk}/")

    run = ChangeRun.objects.create(
        selection=selection, selection_name=selection.name, filters=selection.filters,
        changes={"add_tags": ["Messe 2028"]}, created_by=owner,
        status=ChangeRunStatus.RUNNING, total=2,
    )  # fmt: skip
    runs.write_progress(run, 1, 2)
    page.goto(f"{base}/selections/change-runs/{run.pk}/")
    assert "1 / 2" in page.get_by_test_id("change-run-progress").inner_text()
    # Another change of the selection meanwhile is refused, naming the run.
    page.goto(f"{base}/selections/{selection.pk}/change/")
    page.get_by_test_id("open-change-run").click()
    page.wait_for_url(f"**/selections/change-runs/{run.pk}/")
    ChangeRun.objects.filter(pk=run.pk).update(status=ChangeRunStatus.DONE, done=2, changed=2)
    page.get_by_test_id("change-run-result").wait_for(timeout=10_000)
    assert "2 von 2 Adressen geändert." in page.get_by_test_id("change-run-result").inner_text()

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
