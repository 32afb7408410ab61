"""What the browser tests of every app share: a headless Chromium page and a login.

Each app's browser tests keep their own ``page`` fixture (``yield from browser_page(...)``), so a
test file says at a glance how wide and in which language it looks at the pages.
"""

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.core.servers.basehttp import WSGIServer
from django.db import connections

from verbund.web.screenshots import CHROMIUM, CHROMIUM_ARGS

BROWSER_PASSWORD = "pw-Verbund-2026"  # noqa: S105 - test users only


class SerialLiveServer(WSGIServer):
    """The browser tests' live server on SQLite: one request at a time. The in-memory test
    database is one connection that Django shares with the live server's threads
    (``connections_override``); a page's lazy sections loading at once then ran statements on
    it side by side and failed with "database table is locked". Not being threaded, the
    server answers "Connection: close", so a browser's parallel requests queue in the
    listen backlog instead of holding the server."""

    request_queue_size = 32

    def __init__(self, *args: Any, connections_override: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.connections_override = connections_override


def browser_page(
    monkeypatch: pytest.MonkeyPatch, *, width: int = 1024, height: int = 768, locale: str = "de-DE"
) -> Iterator[Any]:
    """A Playwright page in headless Chromium (German, 1,024 by 768 px unless told otherwise);
    skips the test where no Chromium is installed."""
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls
    # (building data, checking results) are synchronous and safe here.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    # The live server's request threads close their connection after each request: kept open
    # (CONN_MAX_AGE) by a keep-alive browser socket, PostgreSQL refused to drop the test database.
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 0)
    if not Path(CHROMIUM).exists():
        pytest.skip(
            f"No Chromium at {CHROMIUM}: browser tests skipped "
            "(apt-get install chromium, or set VERBUND_CHROMIUM)"
        )
    sync_api = pytest.importorskip("playwright.sync_api")
    # expect() waits as long as the page's own calls do (its default, 5 s, is short on a
    # shared machine running the suite on two workers).
    sync_api.expect.set_options(timeout=15_000)
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": height}, locale=locale)
        page.set_default_timeout(15_000)
        yield page
        # Requests the page still has in flight (the file's lazily loaded sections, say) keep a
        # live-server thread in the database after the test: on PostgreSQL the test database's
        # TRUNCATE then deadlocked with their locks. Let them finish (a page that polls never
        # idles: bounded).
        with contextlib.suppress(Exception):
            page.wait_for_load_state("networkidle", timeout=5_000)
        browser.close()
        # Connections the test opened inside Playwright's context are invisible to the test
        # database's teardown; left open, PostgreSQL refuses to drop the database. Closed one
        # by one: tests that run commands replace ``connections.close_all`` with a no-op
        # (``keep_test_connection``, autouse in the core, parties and relationships tests).
        for conn in connections.all(initialized_only=True):
            conn.close()


def browser_login(page: Any, base: str, role: str, *, username: str = "") -> User:
    """A new user with ``role`` (a group), logged in through the login page."""
    user = User.objects.create_user(
        username=username or f"browser-{role}", password=BROWSER_PASSWORD
    )
    user.groups.add(Group.objects.get(name=role))
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", BROWSER_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return user
