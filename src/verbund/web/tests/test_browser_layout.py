"""Layout leftovers of the page walk (#22.17): the duplicate queue's headers do not break inside
a word and its button stays in the table at 1,024 px; a run's date stays on one line at 390 px;
below 1,100 px the menu folds behind a button and the header search stays in the bar, its entries
in rows on a laptop and one under the other, at one edge, on a phone; the start page's search hint
is whole at 390 px; the party list's filters fold behind a button on a phone and stand beside the
list at 1,024 px; in a table only an address breaks inside itself, never a name. The party list's
city stays whole beside a short postcode head at 390 px in both languages, the language
buttons are a thumb's size on a phone, and the administrator's menu keeps one line at 1,440 px
in both languages."""

from collections.abc import Iterator
from typing import Any

import pytest

from verbund.core.roles import sync_roles
from verbund.hierarchies import selectors
from verbund.parties.actions import do_create_party
from verbund.quality.actions import do_record_candidates
from verbund.quality.models import DedupeRun
from verbund.relationships.actions import do_create_relationship
from verbund.web.testing import browser_login
from verbund.web.testing import browser_page as shared_browser_page
from verbund.web.tests.test_browser import ensure_builtin_types
from verbund.web.walk import BROKEN_WORDS_JS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAV_LINKS = 10  # the admin's menu: start, parties, selections, new party, types, duplicates,
# revenue, imports, compliance, data protection


def open_page(monkeypatch: pytest.MonkeyPatch, width: int) -> Iterator[Any]:
    yield from shared_browser_page(monkeypatch, width=width)


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


def page_width(page: Any) -> int:
    return int(page.evaluate("() => document.documentElement.scrollWidth"))


def switch_language(page: Any, lang: str) -> None:
    page.click(f"[data-testid=lang-{lang}]")
    page.wait_for_load_state()


def test_the_start_pages_search_hint_is_whole_on_a_phone_in_both_languages(live_server, phone):
    page = phone
    sync_roles()
    browser_login(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/")
    for lang, text in (("de", "Name, Nummer, Ort oder USt-IdNr."), ("en", "Name, number, city or VAT id")):  # fmt: skip
        switch_language(page, lang)
        hint = page.locator("[data-testid=search-hint]")
        assert hint.inner_text() == text
        box = hint.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        assert hint.evaluate("el => el.scrollWidth <= el.clientWidth")
        # The hint names the field; no placeholder is left to be cut off.
        search = page.locator("[data-testid=search]")
        assert search.evaluate("el => el.labels[0].textContent.trim()") == text
        assert search.get_attribute("placeholder") is None
        assert page_width(page) <= 390


def test_a_recently_opened_long_name_stays_on_a_phones_screen(live_server, phone):
    from verbund.core.actions import remember_recent_party

    page = phone
    sync_roles()
    user = browser_login(page, live_server.url, "admin")
    for name, postcode, city in (
        ("Kuhn Holding SE", "42198", "Wuppertal"),
        ("Kuhn Software GmbH", "30604", "Hannover"),
        ("Agricon Beteiligungsgesellschaft mbH", "14056", "Berlin"),
    ):
        party = do_create_party(
            actor=None, kind="organisation", name=name, postcode=postcode, city=city,
            status="customer",
        )  # fmt: skip
        remember_recent_party(user, party.pk)
    page.goto(f"{live_server.url}/")
    row = page.locator("[data-testid=home-recent] tr").first
    assert "Beteiligungsgesellschaft" in row.inner_text()
    # A word never breaks inside itself in a table: as a table the row reached 402 px.
    assert page_width(page) <= 390


def test_the_party_lists_filters_fold_behind_a_button_on_a_phone(live_server, phone):
    page = phone
    sync_roles()
    for name, city in (("Kieler Handel GmbH", "Kiel"), ("Kieler Werft AG", "Kiel"), ("Bonner Bau GmbH", "Bonn")):  # fmt: skip
        do_create_party(actor=None, kind="organisation", name=name, city=city)
    do_create_party(actor=None, kind="person", first_name="Kai", last_name="Kieler", city="Kiel")
    expect = pytest.importorskip("playwright.sync_api").expect
    browser_login(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/parties/?city=Kiel")
    filters = page.locator("[data-testid=filters]")
    toggle = page.locator("[data-testid=filter-toggle]")
    rows = page.locator("[data-testid=party-table] tbody tr")
    # Folded: the search and a button that says one filter is in use; the list starts at once.
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not filters.locator("input[name=city]").is_visible()
    assert page.locator("[data-testid=filter-count]").inner_text() == "1 aktiv"
    expect(rows).to_have_count(3)
    assert page.locator("[data-testid=party-table]").bounding_box()["y"] < 300
    # The search stays in sight; Enter in it filters.
    search = filters.locator("input[name=q]")
    search.fill("Werft")
    search.press("Enter")
    page.wait_for_url("**q=Werft**")
    expect(rows).to_have_count(1)
    search.fill("")

    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    for field in filters.locator(".field").all():
        assert field.is_visible()
        box = field.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    # Every status is in sight, with no scroll bar inside the box.
    assert filters.locator("select[name=status]").evaluate(
        "el => el.scrollHeight <= el.clientHeight"
    )
    filters.locator("select[name=kind]").select_option("organisation")
    filters.locator("button[type=submit]").click()
    page.wait_for_url("**kind=organisation**")
    expect(rows).to_have_count(2)
    assert page.locator("[data-testid=filter-count]").inner_text() == "2 aktiv"
    assert page_width(page) <= 390

    switch_language(page, "en")
    assert page.locator("[data-testid=filter-toggle]").inner_text().startswith("Filters")
    assert page.locator("[data-testid=filter-count]").inner_text() == "2 active"
    assert page_width(page) <= 390


def test_the_party_lists_filters_stand_beside_the_list_at_1024_px(live_server, laptop):
    page = laptop
    sync_roles()
    do_create_party(actor=None, kind="organisation", name="Kieler Handel GmbH", city="Kiel")
    browser_login(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/parties/")
    assert not page.locator("[data-testid=filter-toggle]").is_visible()
    filters = page.locator("[data-testid=filters]").bounding_box()
    table = page.locator("[data-testid=party-table]").bounding_box()
    assert filters["x"] + filters["width"] < table["x"]
    assert page.locator("[data-testid=filters] input[name=city]").is_visible()
    assert page_width(page) <= 1024


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_open_menu_is_tidy_on_a_phone_and_a_laptop(live_server, monkeypatch, lang):
    sync_roles()
    for width in (390, 1024):
        for page in open_page(monkeypatch, width):
            browser_login(page, live_server.url, "admin", username=f"admin-{width}")
            page.goto(f"{live_server.url}/parties/")
            switch_language(page, lang)
            page.locator("[data-testid=menu-toggle]").click()
            links = page.locator(".mainnav a")
            assert links.count() == NAV_LINKS
            account = page.locator(
                ".topmenu .user, .topmenu .two-factor-link, .topmenu .logout button"
            )
            boxes = [e.bounding_box() for e in links.all() + account.all()]
            assert all(b["x"] >= 0 and b["x"] + b["width"] <= width for b in boxes)
            if width == 390:
                # One entry a row, all at one edge, each a thumb's height.
                assert len({round(b["x"]) for b in boxes}) == 1
                assert all(b["height"] >= 30 for b in boxes)
            else:
                # Rows of links, not a column down an empty screen; the account's below them.
                assert len({round(b["y"]) for b in boxes[:NAV_LINKS]}) <= 2
                assert len({round(b["y"] + b["height"] / 2) for b in boxes[NAV_LINKS:]}) == 1
                assert boxes[NAV_LINKS]["y"] > max(b["y"] for b in boxes[:NAV_LINKS])
            assert page_width(page) <= width


def test_in_a_table_only_an_address_breaks_inside_itself_on_a_phone(live_server, phone):
    page = phone
    sync_roles()
    ensure_builtin_types()
    selectors.forget_type_ids()
    holding = do_create_party(actor=None, kind="organisation", name="Müller Holding AG")
    member = do_create_party(actor=None, kind="organisation", name="Müller Immobilien GmbH")
    do_create_relationship(actor=None, type="group", from_party=member, to_party=holding)
    for first, last, email in (("Erika", "Mustermann", "erika.mustermann@example.com"), ("Jana", "Becker", "jana.becker@example.com")):  # fmt: skip
        do_create_party(
            actor=None, kind="person", first_name=first, last_name=last, email=email,
            organisation=member, position="Einkaufsleiterin", phone="0221 4711",
        )  # fmt: skip
    browser_login(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/parties/{holding.pk}/")
    contacts = page.locator("[data-testid=group-contacts]").first
    contacts.wait_for()
    page.wait_for_load_state("networkidle")
    assert "Erika Mustermann" in contacts.inner_text()
    assert page.evaluate(BROKEN_WORDS_JS) == []
    # The address breaks to fit, in a column of its own width: two or three lines, not ten.
    mail = contacts.locator("a[href^='mailto:']").first
    line = float(mail.evaluate("el => parseFloat(getComputedStyle(el).lineHeight) || 20"))
    assert mail.bounding_box()["height"] < 3.5 * line
    assert page_width(page) <= 390


# What a city column shows on a phone: the list's demo shape (a name that wraps, a five-digit
# postcode, a city of eight letters).
CITY_ROWS = (
    ("EK Einkaufsverband Süd eG", "90402", "Nürnberg"),
    ("Frischmarkt Filiale Gütersloh", "33330", "Gütersloh"),
    ("Schäfer Verpackungen KG", "44135", "Dortmund"),
)


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_city_beside_the_postcode_is_whole_on_a_phone(live_server, phone, lang):
    page = phone
    sync_roles()
    for name, postcode, city in CITY_ROWS:
        do_create_party(actor=None, kind="organisation", name=name, postcode=postcode, city=city)
    browser_login(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/parties/")
    switch_language(page, lang)
    table = page.locator("[data-testid=party-table]")
    heads = table.locator("thead th").all_inner_texts()
    # The short head on a phone ("POSTCODE" took the city's room in English), the word in its title.
    assert heads[2].startswith({"de": "PLZ", "en": "ZIP"}[lang])
    assert (
        table.locator("thead th a").nth(2).get_attribute("title")
        == {"de": "PLZ", "en": "Postcode"}[lang]
    )
    edge = table.bounding_box()["x"] + table.evaluate("el => el.clientWidth")
    for cell in table.locator("tbody td:nth-child(4)").all():
        right = cell.evaluate(
            "td => { const r = document.createRange(); r.selectNodeContents(td);"
            " return r.getBoundingClientRect().right; }"
        )
        assert right <= edge, (cell.inner_text(), right, edge)
    assert page_width(page) <= 390
    # On a laptop the head says the whole word.
    page.set_viewport_size({"width": 1024, "height": 768})
    assert (
        table.locator("thead th")
        .nth(2)
        .inner_text()
        .startswith({"de": "PLZ", "en": "POSTCODE"}[lang])
    )


def test_the_language_buttons_are_a_thumbs_size_on_a_phone(live_server, phone):
    page = phone
    sync_roles()
    browser_login(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/parties/")
    boxes = [page.locator(f"[data-testid=lang-{code}]").bounding_box() for code in ("de", "en")]
    toggle = page.locator("[data-testid=menu-toggle]").bounding_box()
    for box in boxes:
        assert box["height"] >= 40 and box["width"] >= 40
    # One row with the search and the menu button, inside the window.
    assert {round(b["y"] + b["height"] / 2) for b in [*boxes, toggle]} == {
        round(toggle["y"] + toggle["height"] / 2)
    }
    assert page.locator("[data-testid=quicksearch]").is_visible()
    assert toggle["x"] + toggle["width"] <= 390
    assert page_width(page) <= 390
    switch_language(page, "en")
    assert page.locator("h1").inner_text() == "Parties"


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_admins_menu_keeps_one_line_at_1440_px(live_server, monkeypatch, lang):
    sync_roles()
    for page in open_page(monkeypatch, 1440):
        browser_login(page, live_server.url, "admin")
        page.goto(f"{live_server.url}/")
        switch_language(page, lang)
        links = page.locator(".mainnav a")
        assert links.count() == NAV_LINKS
        tops = {round(b["y"]) for b in (link.bounding_box() for link in links.all())}
        assert len(tops) == 1
        bar = page.locator(".topbar").bounding_box()
        assert bar["height"] <= 50
        # The account's name and links, the search and the languages stay in the bar, in sight.
        for selector in (
            "[data-testid=quicksearch]",
            "[data-testid=lang-de]",
            ".topmenu .user",
            "[data-testid=two-factor-link]",
            ".topmenu .logout button",
        ):
            box = page.locator(selector).bounding_box()
            assert box["y"] >= bar["y"] and box["y"] + box["height"] <= bar["y"] + bar["height"]
            assert box["x"] + box["width"] <= 1440, selector
        # The language buttons keep their small size beside a mouse.
        assert page.locator("[data-testid=lang-de]").bounding_box()["height"] < 30
        assert page_width(page) <= 1440
