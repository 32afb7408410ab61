"""In headless Chromium with the Content-Security-Policy on (issue 21 point 8): the main pages,
their lazily loaded sections and the behaviours moved out of inline handlers run without a
single violation of the policy."""

import pytest
from django.contrib.auth.models import Group, User

from verbund.parties.actions import do_create_party
from verbund.relationships.actions import do_create_relationship
from verbund.web.testing import browser_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-Verbund-2026"
# Collects the policy's violations as the page sees them (the console says the same in words).
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile + ":" + e.lineNumber);
});
"""


@pytest.fixture
def tab(monkeypatch):
    for page in browser_page(monkeypatch):
        page.add_init_script(WATCH)
        yield page


def build() -> dict[str, int]:
    from verbund.web.tests.test_browser import ensure_builtin_types

    ensure_builtin_types()
    holding = do_create_party(actor=None, name="Müller Holding AG", city="Köln")
    handel = do_create_party(actor=None, name="Müller Handel GmbH", city="Bonn")
    sued = do_create_party(actor=None, name="Müller Handel Süd GmbH", city="Augsburg")
    do_create_relationship(actor=None, type="group", from_party=handel, to_party=holding)
    do_create_relationship(actor=None, type="group", from_party=sued, to_party=handel)
    do_create_relationship(actor=None, type="supplier", from_party=sued, to_party=holding)
    admin = User.objects.create_user(username="chefin", password=PASSWORD)
    admin.groups.add(Group.objects.get(name="admin"))
    return {"holding": holding.pk, "handel": handel.pk, "sued": sued.pk}


def test_the_main_pages_run_under_the_policy_without_a_violation(live_server, tab) -> None:
    ids = build()
    console: list[str] = []
    tab.on("console", lambda msg: console.append(msg.text))
    base = live_server.url
    tab.goto(f"{base}/accounts/login/")
    tab.fill("#id_username", "chefin")
    tab.fill("#id_password", PASSWORD)
    tab.click("button[type=submit]")
    tab.wait_for_load_state("networkidle")
    seen: dict[str, list[str]] = {}
    pages = [
        "/",
        "/?q=Müller",
        "/parties/",
        f"/parties/{ids['holding']}/",
        f"/parties/{ids['handel']}/hierarchy/",
        "/relationship-types/",
        "/quality/",
        "/compliance/",
        "/compliance/lists/",
        "/imports/",
        "/api/docs/",
    ]
    for path in pages:
        tab.goto(base + path)
        tab.wait_for_load_state("networkidle")
        seen[path] = tab.evaluate("window.__csp")
    # The behaviours that were inline handlers work from the static file.
    tab.goto(f"{base}/relationship-types/")
    swatch = tab.locator(".swatch").first
    assert swatch.evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"
    tab.goto(f"{base}/parties/{ids['holding']}/hierarchy/")
    tab.wait_for_load_state("networkidle")
    expand = tab.locator(f"[data-testid=expand-{ids['handel']}]")
    expand.click()
    # The tree's own script (a static file) loads the children and closes them again.
    child = tab.locator(f"#node-{ids['sued']}")
    child.wait_for()
    assert expand.inner_text() == "▾"
    expand.click()
    child.wait_for(state="hidden")
    seen["hierarchy clicks"] = tab.evaluate("window.__csp")
    assert {path: v for path, v in seen.items() if v} == {}
    assert [m for m in console if "Content Security Policy" in m] == []
