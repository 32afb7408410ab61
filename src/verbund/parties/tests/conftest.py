"""Test settings local to this app's tests."""

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    # Every role test creates users; the production hasher costs a second each on a busy machine.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def keep_test_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    # Commands run from argv close every connection when they finish; in a test that would
    # close the connection holding the test's transaction (PostgreSQL), so keep it open.
    from django.db import connections

    monkeypatch.setattr(connections, "close_all", lambda: None)
