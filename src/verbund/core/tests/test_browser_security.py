"""In headless Chromium: the lockout message on the login page, the two-factor login, and the
setup an admin is led to when two-factor login is required (issue 21)."""

from base64 import b32decode

import pytest
from django.contrib.auth.models import Group, User
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from verbund.core import twofactor
from verbund.web.testing import browser_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-Verbund-2026"


@pytest.fixture
def page(monkeypatch):
    yield from browser_page(monkeypatch)


def user(name: str, role: str | None = None) -> User:
    made = User.objects.create_user(username=name, password=PASSWORD)
    if role:
        group, _created = Group.objects.get_or_create(name=role)
        made.groups.add(group)
    return made


def log_in(tab, base: str, name: str, password: str) -> None:
    tab.goto(f"{base}/accounts/login/?next=/parties/")
    tab.fill("#id_username", name)
    tab.fill("#id_password", password)
    tab.click("button[type=submit]")
    tab.wait_for_load_state("networkidle")


def current_code(secret: bytes, step_offset: int = 0) -> str:
    return f"{totp(secret, step=30, t0=0, digits=6, drift=step_offset):06d}"


def test_the_login_page_tells_a_locked_out_user_why_in_german(live_server, page) -> None:
    user("erika", "viewer")
    for _i in range(5):
        log_in(page, live_server.url, "erika", "falsch")
    message = page.locator("[data-testid=locked-out]")
    assert "Zu viele fehlgeschlagene Anmeldungen" in message.inner_text()
    assert "15 Minuten" in message.inner_text()
    log_in(page, live_server.url, "erika", PASSWORD)  # the right password does not help now
    assert "/accounts/login/" in page.url
    assert page.locator("[data-testid=locked-out]").is_visible()


def test_a_user_with_two_factor_login_enters_the_code_after_the_password(live_server, page) -> None:
    erika = user("erika", "viewer")
    twofactor.do_start_totp(erika)
    device = TOTPDevice.objects.get(user=erika)
    twofactor.do_confirm_totp(erika, current_code(device.bin_key))
    log_in(page, live_server.url, "erika", PASSWORD)
    assert "/accounts/two-factor/verify/" in page.url
    page.goto(f"{live_server.url}/parties/")  # nothing else opens
    assert "/accounts/two-factor/verify/" in page.url
    page.fill("#id_code", current_code(device.bin_key, 1))
    page.click("[data-testid=two-factor-submit]")
    page.wait_for_url(f"{live_server.url}/parties/")
    assert page.locator("h1").first.is_visible()


def test_an_admin_is_led_to_set_up_two_factor_login_when_it_is_required(
    live_server, page, settings
) -> None:
    settings.VERBUND_REQUIRE_2FA = True
    user("chefin", "admin")
    log_in(page, live_server.url, "chefin", PASSWORD)
    assert "/accounts/two-factor/" in page.url
    assert page.locator("[data-testid=two-factor-required]").is_visible()
    page.click("[data-testid=two-factor-start]")
    page.wait_for_selector("[data-testid=two-factor-setup] svg")
    assert page.locator("[data-testid=two-factor-uri]").inner_text().startswith("otpauth://totp/")
    secret = b32decode(page.locator("[data-testid=two-factor-secret]").inner_text())
    page.fill("#id_code", current_code(secret))
    page.click("[data-testid=two-factor-confirm]")
    codes = page.locator("[data-testid=recovery-codes] li")
    codes.first.wait_for()
    assert codes.count() == 10
    page.goto(f"{live_server.url}/parties/")
    assert page.url == f"{live_server.url}/parties/"
