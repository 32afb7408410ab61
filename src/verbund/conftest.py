"""Shared fixtures: users in each role, API clients, and parties built through the actions."""

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from verbund.parties.actions import do_create_party
from verbund.parties.models import Party
from verbund.relationships.actions import do_create_relationship

ROLES = ["viewer", "editor", "steward", "compliance", "admin"]

if django_settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    from django.test.testcases import LiveServerThread

    from verbund.web.testing import SerialLiveServer

    LiveServerThread.server_class = SerialLiveServer  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _test_settings(settings: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    # Files a test's imports and list uploads store go to its own folder, never the checkout.
    settings.VERBUND_IMPORT_DIR = str(tmp_path / "imports")
    # Password hashing is deliberately slow; tests create many users and need none of that.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Each test starts in the default language, whatever an earlier test activated.
    translation.activate(settings.LANGUAGE_CODE)
    # Commands speak the language of the environment: tests start from one that names none
    # (so the default), whatever locale the developer's shell has.
    for variable in ("VERBUND_LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    # Failed API authentications are counted per address in the cache (core.security): each
    # test starts with none, whatever the tests before it sent from 127.0.0.1.
    from django.core.cache import cache

    cache.clear()
    # Background jobs run inline, so a test sees their result when the call returns.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # The closure's "fresh today" memo outlives a test's rolled-back data when a test ran its
    # commit callbacks; left over, it saves the next test a freshness query, and a pinned
    # query count would then depend on the order the tests ran in.
    # The type-id memo likewise outlives a flushed database whose built-in types came back
    # under new ids.
    from verbund.hierarchies import engine, selectors

    engine.forget_freshness()
    selectors.forget_type_ids()


@pytest.fixture
def english_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands speak English, for tests that assert English messages."""
    monkeypatch.setenv("VERBUND_LANGUAGE", "en")


@pytest.fixture
def keep_test_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    """For tests that run commands from argv, which close every connection when they finish;
    on PostgreSQL that would close the connection holding the test's transaction."""
    from django.db import connections

    monkeypatch.setattr(connections, "close_all", lambda: None)


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    def make(role: str | None = None, username: str | None = None, **extra: Any) -> User:
        user = User.objects.create_user(
            username=username or f"{role or 'nobody'}-user",
            password="pw-Verbund-2026",
            **extra,
        )
        if role:
            user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def api_for(make_user: Callable[..., User]) -> Callable[[str | None], APIClient]:
    """An API client logged in as a fresh user of the given role (None: no role at all)."""

    def client(role: str | None) -> APIClient:
        c = APIClient()
        c.force_authenticate(make_user(role, username=f"api-{role or 'none'}"))
        return c

    return client


@pytest.fixture
def admin_api(api_for: Callable[[str | None], APIClient]) -> APIClient:
    return api_for("admin")


@pytest.fixture
def org(db: Any) -> Callable[..., Party]:
    """Create an organisation through the actions module."""

    def make(name: str = "Muster GmbH", **fields: Any) -> Party:
        fields.setdefault("city", "Köln")
        fields.setdefault("postcode", "50667")
        return do_create_party(actor=None, kind="organisation", name=name, **fields)

    return make


@pytest.fixture
def person(db: Any) -> Callable[..., Party]:
    def make(first_name: str = "Erika", last_name: str = "Mustermann", **fields: Any) -> Party:
        return do_create_party(
            actor=None, kind="person", first_name=first_name, last_name=last_name, **fields
        )

    return make


@pytest.fixture
def client_for(make_user: Callable[..., Any]) -> Callable[[str], Client]:
    """A logged-in test client for the UI, as a fresh user of the given role."""

    made: dict[str, int] = {}

    def make(role: str) -> Client:
        made[role] = made.get(role, 0) + 1
        suffix = "" if made[role] == 1 else f"-{made[role]}"
        c = Client()
        c.force_login(make_user(role, username=f"web-{role}{suffix}"))
        return c

    return make


@pytest.fixture
def group(org: Callable[..., Party]) -> dict[str, Party]:
    """Holding > Handel > (Süd, Nord); Holding > Logistik."""
    p = {
        "holding": org("Müller Holding AG", city="Köln"),
        "handel": org("Müller Handel GmbH", city="München", vat_id="DE234567891"),
        "sued": org("Müller Handel Süd GmbH", city="Augsburg"),
        "nord": org("Müller Handel Nord GmbH", city="Hannover"),
        "logistik": org("Müller Logistik GmbH", city="Hamburg"),
    }
    for child, parent in (
        ("handel", "holding"),
        ("logistik", "holding"),
        ("sued", "handel"),
        ("nord", "handel"),
    ):
        do_create_relationship(
            actor=None, type="group", from_party=p[child], to_party=p[parent], share="100"
        )
    return p


@pytest.fixture
def laptop(monkeypatch: pytest.MonkeyPatch) -> Any:
    """A Chromium page 1,024 px wide (skips where no Chromium is installed)."""
    from verbund.web.testing import browser_page

    yield from browser_page(monkeypatch, width=1024)


@pytest.fixture
def phone(monkeypatch: pytest.MonkeyPatch) -> Any:
    """A Chromium page 390 px wide, a phone's."""
    from verbund.web.testing import browser_page

    yield from browser_page(monkeypatch, width=390)
