"""The data-protection pages are reached from the menu: one entry, "Datenschutz", for whoever may
open one of them, leading to the first such page; there, tabs link the others. Every link is
shown only to whom its page lets in."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from verbund.core.roles import ROLES

PAGES = {"privacy-log", "privacy-retention", "privacy-advertising"}


def _menu_link(body: str) -> str | None:
    found = re.search(r'<a href="([^"]+)" data-testid="nav-privacy">([^<]+)</a>', body)
    return found.group(1) if found else None


def _tabs(body: str) -> list[str]:
    nav = re.search(r'data-testid="privacy-nav"[^>]*>(.*?)</nav>', body, re.S)
    return re.findall(r'href="([^"]+)"', nav.group(1)) if nav else []


@pytest.mark.parametrize("role", [*ROLES, None])
def test_the_menu_and_the_tabs_link_each_privacy_page_to_whom_it_lets_in(
    db, make_user, role
) -> None:
    client = Client()
    client.force_login(make_user(role, username=f"nav-{role or 'none'}"))
    opens = {name for name in PAGES if client.get(reverse(name)).status_code == 200}
    assert opens <= PAGES
    menu = _menu_link(client.get("/").content.decode())
    if not opens:
        assert menu is None
        return
    # The entry leads to the first page of the section the user may open.
    first = next(
        n for n in ("privacy-log", "privacy-retention", "privacy-advertising") if n in opens
    )
    assert menu == reverse(first)
    tabs = _tabs(client.get(menu).content.decode())
    if len(opens) > 1:
        assert set(tabs) == {reverse(n) for n in opens}
    else:
        assert tabs == []  # a single page needs no tabs


def test_the_privacy_officer_reaches_all_three_pages_named_in_german(db, client_for) -> None:
    c = client_for("privacy")
    with translation.override("de"):
        body = c.get("/privacy/advertising/").content.decode()
    assert '<a href="/privacy/log/" data-testid="nav-privacy">Datenschutz</a>' in body
    nav = re.search(r'data-testid="privacy-nav"[^>]*>(.*?)</nav>', body, re.S)
    assert nav is not None
    names = re.findall(r">([^<]+)</a>", nav.group(1))
    assert names == ["Datenschutzprotokoll", "Löschfristen", "Werbeauswahl"]
    assert 'class="tab active" href="/privacy/advertising/"' in nav.group(1)


def test_a_viewer_gets_no_privacy_menu_and_no_advertising_export(db, client_for) -> None:
    """The advertising page and its CSV hand out every party's contact data: the privacy
    role's (and the administrator's) permission export_advertising, not view_consent
    (decision 0057)."""
    viewer = client_for("viewer")
    body = viewer.get("/parties/").content.decode()
    assert _menu_link(body) is None
    assert viewer.get("/privacy/advertising/").status_code == 403
    assert viewer.get("/privacy/advertising.csv?channel=post").status_code == 403
    for role in ("editor", "steward", "compliance"):
        assert client_for(role).get("/privacy/advertising.csv").status_code == 403
    for role in ("privacy", "admin"):
        assert client_for(role).get("/privacy/advertising.csv?channel=post").status_code == 200


def test_a_user_given_only_the_advertising_export_is_led_straight_to_it(db, make_user) -> None:
    from django.contrib.auth.models import Permission

    user = make_user("viewer", username="mailings")
    user.user_permissions.add(
        Permission.objects.get(codename="export_advertising", content_type__app_label="privacy")
    )
    client = Client()
    client.force_login(user)
    body = client.get("/parties/").content.decode()
    assert _menu_link(body) == "/privacy/advertising/"
    assert client.get("/privacy/advertising.csv?channel=post").status_code == 200
