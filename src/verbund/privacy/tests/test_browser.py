"""In headless Chromium (German, 1,024 px): the privacy officer opens a person's file, looks at the
access export and downloads it, and erases the person from the file; the privacy log shows both. Skips where no
Chromium is installed."""

from collections.abc import Iterator
from typing import Any

import pytest

from verbund.activities.actions import do_create_activity
from verbund.parties.actions import do_create_party
from verbund.parties.models import Party
from verbund.privacy.models import PrivacyLog
from verbund.web.testing import browser_login, browser_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    yield from browser_page(monkeypatch)


def test_export_and_erasure_from_the_file(live_server: Any, page: Any) -> None:
    org = do_create_party(actor=None, name="Kranich Logistik GmbH")
    person = do_create_party(
        actor=None, kind="person", first_name="Greta", last_name="Kranich",
        email="greta.kranich@example.org", organisation=org,
    )  # fmt: skip
    do_create_activity(actor=None, party=person, subject="Besuch bei Greta Kranich")
    browser_login(page, live_server.url, "privacy")
    page.goto(f"{live_server.url}/privacy/log/")
    assert "Noch nichts protokolliert" in page.locator("[data-testid=log-empty]").inner_text()

    page.goto(f"{live_server.url}/parties/{person.pk}/")
    section = page.locator("[data-testid=privacy-section]")
    section.wait_for()
    assert "Einwilligungen und Widersprüche" in section.inner_text()
    # Waits for the export page itself: the file's load state is already reached at the click.
    with page.expect_navigation():
        page.click("[data-testid=privacy-export]")
    assert "Auskunft (Art. 15 DSGVO)" in page.content()
    assert "greta.kranich@example.org" in page.content()
    assert "Besuch bei Greta Kranich" in page.content()
    # Looking at the page hands nothing out; the download does, and is logged once.
    assert not PrivacyLog.objects.filter(action="export").exists()
    with page.expect_download() as download:
        page.click("[data-testid=export-json]")
    assert "greta.kranich@example.org" in download.value.path().read_text(encoding="utf-8")
    assert PrivacyLog.objects.filter(action="export", party_id=person.pk).count() == 1

    page.goto(f"{live_server.url}/parties/{person.pk}/")
    with page.expect_navigation():
        page.locator("[data-testid=privacy-erase]").click()
    plan = page.locator("[data-testid=erase-plan]").inner_text()
    assert "Was bleibt" in plan and "nicht rückgängig" in plan
    page.fill("#id_reason", "DS-2026-3")
    page.click("[data-testid=erase-submit]")
    page.wait_for_load_state()
    assert page.url.endswith(f"/parties/{person.pk}/")
    assert "gelöschte Person #" in page.locator("h1").inner_text()
    assert "Kranich" not in page.locator("h1").inner_text()
    assert Party.objects.get(pk=person.pk).email == ""
    assert PrivacyLog.objects.filter(action="erase", party_id=person.pk).exists()

    page.goto(f"{live_server.url}/privacy/log/")
    log = page.locator("[data-testid=privacy-log]").inner_text()
    assert "Personenbezogene Daten gelöscht" in log and "Auskunft erteilt" in log
    assert "DS-2026-3" in log and "Kranich" not in log
