"""Command tests here run from argv: keep the test's connection open (see keep_test_connection);
the API tests act as an editor."""

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _keep_connection(keep_test_connection: None) -> None:
    return None


@pytest.fixture
def editor(api_for: Any) -> Any:
    return api_for("editor")
