"""Command tests here run from argv: keep the test's connection open (see keep_test_connection)."""

import pytest


@pytest.fixture(autouse=True)
def _keep_connection(keep_test_connection: None) -> None:
    return None
