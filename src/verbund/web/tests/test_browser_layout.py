"""Layout leftovers of the page walk (#22.17): the duplicate queue's headers do not break inside
a word and its button stays in the table at 1,024 px; a run's date stays on one line at 390 px;
below 1,100 px the menu folds behind a button and the header search stays in the bar."""

from collections.abc import Iterator
from typing import Any

import pytest

from verbund.core.roles import sync_roles
from verbund.parties.actions import do_create_party
from verbund.quality.actions import do_record_candidates
from verbund.quality.models import DedupeRun
from verbund.web.testing import browser_login
from verbund.web.testing import browser_page as shared_browser_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAV_LINKS = 9  # the admin's menu: start, parties, selections, new party, types, duplicates,
# revenue, imports, compliance


def open_page(monkeypatch: pytest.MonkeyPatch, width: int) -> Iterator[Any]:
    yield from shared_browser_page(monkeypatch, width=width)


@pytest.fixture
def laptop(monkeypatch):
    yield from open_page(monkeypatch, 1024)


@pytest.fixture
def phone(monkeypatch):
    yield from open_page(monkeypatch, 390)


def queue_data() -> None:
    sync_roles()
    a = do_create_party(
        actor=None, kind="organisation", name="Müller Logistik GmbH", city="Hamburg"
    )
    b = do_create_party(
        actor=None, kind="organisation", name="Mueller Logistik GmbH", city="Hamburg"
    )
    do_record_candidates(
        [{"a": a.pk, "b": b.pk, "probability": 0.95, "points": 9, "cluster": 1}], actor=None
    )
    DedupeRun.objects.create(kind="organisation", status="done", stats={"records": 2})


def test_the_queue_headers_and_its_button_fit_at_1024_px(live_server, laptop):
    page = laptop
    queue_data()
    browser_login(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/quality/")
    table = page.locator("[data-testid=candidates]")
    table_box = table.bounding_box()
    for th in table.locator("thead th").all():
        fits = th.evaluate("el => el.scrollWidth <= el.clientWidth")
        assert fits, th.inner_text()
    button = table.locator("tbody a.btn").first.bounding_box()
    assert button["x"] + button["width"] <= table_box["x"] + table_box["width"]
    # The header search is in the bar at a laptop's width, the menu behind its button.
    assert page.locator("[data-testid=quicksearch]").is_visible()
    assert page.locator("[data-testid=menu-toggle]").is_visible()


def test_a_phone_gets_a_menu_button_and_a_run_date_on_one_line(live_server, phone):
    page = phone
    queue_data()
    browser_login(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/quality/")
    when = page.locator("td.when a").first
    line = float(when.evaluate("el => parseFloat(getComputedStyle(el).lineHeight) || 20"))
    assert when.bounding_box()["height"] < 1.5 * line

    nav = page.locator(".mainnav a")
    toggle = page.locator("[data-testid=menu-toggle]")
    assert page.locator("[data-testid=quicksearch]").is_visible()
    assert not nav.first.is_visible()
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert nav.count() == NAV_LINKS
    for link in nav.all():
        assert link.is_visible(), link.inner_text()
        box = link.bounding_box()
        assert box["x"] + box["width"] <= 390
    assert page.locator("[data-testid=two-factor-link]").is_visible()
    page.keyboard.press("Escape")
    assert not nav.first.is_visible()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390
    toggle.click()
    nav.filter(has_text="Adressen").click()
    page.wait_for_url(f"{live_server.url}/parties/")


def test_a_file_input_speaks_german_and_shows_the_chosen_names(live_server, laptop, tmp_path):
    page = laptop
    sync_roles()
    browser_login(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/compliance/lists/")
    button = page.locator("[data-testid=file-choose]").first
    assert button.inner_text() == "Datei wählen…"
    picker = page.locator(".file-picker").first
    assert "Keine Datei gewählt" in picker.inner_text()
    assert "Choose" not in page.locator("main").inner_text()
    sdn = tmp_path / "sdn.csv"
    sdn.write_text("x", encoding="utf-8")
    page.set_input_files("input[name=files]", str(sdn))
    assert "sdn.csv" in picker.inner_text()
