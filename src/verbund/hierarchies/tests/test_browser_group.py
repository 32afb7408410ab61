"""In headless Chromium, German UI: a parent's file shows its members' contacts and activities,
and the group's change log between two dates (#17.1, #17.3). Skips where no Chromium is
installed."""

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from verbund.activities.actions import do_create_activity
from verbund.hierarchies import selectors
from verbund.parties.actions import do_create_party
from verbund.parties.models import Party, PartyKind
from verbund.relationships.actions import do_create_relationship
from verbund.web.testing import browser_login, browser_page
from verbund.web.tests.test_browser import ensure_builtin_types

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    yield from browser_page(monkeypatch)


def org(name: str) -> Party:
    return do_create_party(actor=None, kind=PartyKind.ORGANISATION, name=name, city="Köln")


@pytest.fixture
def konzern() -> dict[str, Party]:
    ensure_builtin_types()
    selectors.forget_type_ids()
    p = {"holding": org("Müller Holding AG"), "handel": org("Müller Handel GmbH"),
         "werk": org("Müller Werk GmbH")}  # fmt: skip
    do_create_relationship(
        actor=None, type="group", from_party=p["handel"], to_party=p["holding"],
        valid_from=dt.date(2020, 1, 1),
    )  # fmt: skip
    do_create_relationship(
        actor=None, type="group", from_party=p["werk"], to_party=p["holding"],
        valid_from=dt.date(2025, 3, 1),
    )  # fmt: skip
    do_create_party(
        actor=None, kind=PartyKind.PERSON, first_name="Hanna", last_name="Händler",
        organisation=p["handel"], position="Einkauf", phone="0221 4711",
    )  # fmt: skip
    do_create_activity(
        actor=None, party=p["handel"], kind="visit", subject="Jahresgespräch Handel",
        happened_at=timezone.now() - dt.timedelta(days=3),
    )  # fmt: skip
    return p


def test_the_parents_file_shows_members_contacts_activities_and_changes(
    live_server: Any, page: Any, konzern: dict[str, Party]
) -> None:
    base = live_server.url
    browser_login(page, base, "viewer")
    page.goto(f"{base}/parties/{konzern['holding'].pk}/")
    section = page.locator("[data-testid=group-group]")
    section.wait_for()
    contacts = section.locator("[data-testid=group-contacts]")
    contacts.wait_for()
    assert "Hanna Händler" in contacts.inner_text()
    assert "Einkauf" in contacts.inner_text() and "Müller Handel GmbH" in contacts.inner_text()
    timeline = section.locator("[data-testid=group-activities]")
    timeline.wait_for()
    assert "Jahresgespräch Handel" in timeline.inner_text()
    members = section.locator("[data-testid=group-members]")
    members.wait_for()
    last = (dt.date.today() - dt.timedelta(days=3)).strftime("%d.%m.%Y")
    assert last in members.locator("tr", has_text="Müller Handel GmbH").inner_text()
    changes = section.locator("[data-testid=group-changes]")
    changes.wait_for()
    changes.locator("[data-testid=changes-from]").fill("2025-01-01")
    changes.locator("[data-testid=changes-from]").dispatch_event("change")
    heading = page.locator("[data-testid=group-changes] h4", has_text="Änderungen seit 01.01.2025")
    heading.wait_for()
    row = page.locator("[data-testid=group-changes] tr", has_text="Müller Werk GmbH")
    assert "01.03.2025" in row.inner_text() and "beigetreten" in row.inner_text()
