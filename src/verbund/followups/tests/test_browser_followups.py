"""In headless Chromium, German UI: an editor creates a follow-up on a file, finds it on the
start page as due today (and one from before as overdue), marks it done saying what happened,
and the activity appears in the file's activities. On a phone the list reads as blocks without
sideways scrolling, and its checkbox switches the daily reminder mail off. Skips where no
Chromium is installed."""

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from verbund.activities.models import Activity
from verbund.core.models import UserProfile
from verbund.followups.actions import do_create_follow_up
from verbund.followups.models import FollowUp
from verbund.parties.actions import do_create_party
from verbund.parties.models import PartyKind
from verbund.web.testing import browser_login, browser_page
from verbund.web.tests.test_browser import ensure_builtin_types

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    yield from browser_page(monkeypatch)


def test_a_follow_up_is_created_shown_on_the_start_page_and_done_logging_an_activity(
    live_server: Any, page: Any
) -> None:
    ensure_builtin_types()
    kunde = do_create_party(actor=None, kind=PartyKind.ORGANISATION, name="Müller GmbH")
    base = live_server.url
    user = browser_login(page, base, "editor")
    today = timezone.localdate()
    do_create_follow_up(
        actor=user, party=kunde, due_on=today - dt.timedelta(days=2), subject="Angebot nachfassen"
    )

    page.goto(f"{base}/parties/{kunde.pk}/")
    form = page.locator("[data-testid=follow-up-form]")
    form.wait_for(state="attached")
    page.get_by_text("Wiedervorlage anlegen").click()
    assert form.get_by_label("Zuständig").input_value() == str(user.pk)
    form.get_by_label("Fällig am").fill(today.strftime("%d.%m.%Y"))
    form.get_by_label("Betreff").fill("Zurückrufen wegen Rahmenvertrag")
    form.get_by_role("button", name="Speichern").click()
    page.locator("#follow-ups", has_text="Zurückrufen wegen Rahmenvertrag").wait_for()
    assert FollowUp.objects.filter(subject="Zurückrufen wegen Rahmenvertrag").exists()

    page.goto(f"{base}/")
    block = page.locator("[data-testid=home-follow-ups]")
    assert block.locator("h2").inner_text() == "Meine Wiedervorlagen"
    rows = block.locator("[data-testid=home-follow-up]").all_inner_texts()
    assert "überfällig" in rows[0] and "Angebot nachfassen" in rows[0]
    assert "heute" in rows[1] and "Zurückrufen wegen Rahmenvertrag" in rows[1]
    block.get_by_role("link", name="Müller GmbH").nth(1).click()
    page.wait_for_url(f"**/parties/{kunde.pk}/**")

    follow_up = FollowUp.objects.get(subject="Zurückrufen wegen Rahmenvertrag")
    item = page.locator(f"#follow-up-{follow_up.pk}")
    item.wait_for()
    item.get_by_text("Erledigt", exact=True).click()
    item.get_by_label("Was ist passiert?").fill("Erreicht; Vertrag kommt per Post.")
    item.get_by_label("Art").select_option("call")
    item.get_by_role("button", name="Als erledigt markieren").click()
    page.locator("[data-testid=follow-ups-done]").wait_for()
    assert "1 erledigte anzeigen" in page.locator("[data-testid=follow-ups-done]").inner_text()

    activity = Activity.objects.get()
    assert activity.text == "Erreicht; Vertrag kommt per Post." and activity.kind == "call"
    page.reload()
    timeline = page.locator("#activities-timeline")
    timeline.wait_for()
    assert "Zurückrufen wegen Rahmenvertrag" in timeline.inner_text()
    assert "Erreicht; Vertrag kommt per Post." in timeline.inner_text()


def test_on_a_phone_the_list_reads_as_blocks_and_the_daily_mail_is_switched_off(
    live_server: Any, page: Any
) -> None:
    ensure_builtin_types()
    base = live_server.url
    user = browser_login(page, base, "editor")
    today = timezone.localdate()
    for n in range(3):
        party = do_create_party(
            actor=None, kind=PartyKind.ORGANISATION, name=f"Eurowerk Einkauf Südwest GmbH {n}"
        )
        do_create_follow_up(
            actor=user,
            party=party,
            due_on=today + dt.timedelta(days=n - 1),
            subject="Angebot für die Lieferung von Ersatzteilen nachfassen und Rahmenvertrag "
            "besprechen",
            note="Herr Schmidt ist ab Mittwoch wieder im Haus; vorher nicht anrufen.",
        )
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{base}/follow-ups/")
    rows = page.locator("[data-testid=follow-up-row]")
    assert rows.count() == 3
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    table = page.locator("[data-testid=follow-up-list]")
    assert table.evaluate("t => t.scrollWidth <= t.clientWidth + 1")
    widest = page.evaluate(
        "Math.max(...[...document.querySelectorAll('[data-testid=follow-up-list] *')]"
        ".map(e => e.getBoundingClientRect().right))"
    )
    assert widest <= 390
    # A block: the date over party and subject, the assignee named ("Zuständig: …").
    first = rows.first
    assert (
        first.locator("td.when").bounding_box()["y"]
        < first.locator("td.follow-up-what").bounding_box()["y"]
    )
    assert "Zuständig: browser-editor" in first.inner_text()
    assert "überfällig" in first.inner_text()

    checkbox = page.get_by_label("Tägliche Erinnerung per E-Mail")
    assert checkbox.is_checked()
    checkbox.uncheck()
    page.locator("[data-testid=reminder-mail-form]").get_by_role("button", name="Speichern").click()
    page.get_by_text("Die tägliche Erinnerung per E-Mail ist ausgeschaltet.").wait_for()
    assert not page.get_by_label("Tägliche Erinnerung per E-Mail").is_checked()
    assert UserProfile.objects.get(user=user).reminder_mail is False

    page.set_viewport_size({"width": 1024, "height": 800})
    page.reload()
    assert "Zuständig:" not in table.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
