from collections.abc import Callable
from typing import Any

import pytest

from verbund.compliance import screening
from verbund.compliance.actions import do_import_list
from verbund.compliance.models import ListVersion
from verbund.compliance.tests import fixtures


@pytest.fixture(autouse=True)
def _fresh_index() -> Any:
    # The index cache is per process; each test database starts empty.
    screening.forget_index()
    yield
    screening.forget_index()


@pytest.fixture
def ofac(db: Any) -> ListVersion:
    return do_import_list(
        "ofac-csv",
        [
            ("sdn.csv", fixtures.OFAC_SDN),
            ("alt.csv", fixtures.OFAC_ALT),
            ("add.csv", fixtures.OFAC_ADD),
        ],
        actor=None,
    )


@pytest.fixture
def reviewer(make_user: Callable[..., Any]) -> Any:
    return make_user("compliance", username="reviewer-1")


@pytest.fixture
def reviewer2(make_user: Callable[..., Any]) -> Any:
    return make_user("compliance", username="reviewer-2")


@pytest.fixture(autouse=True)
def _english(english_cli: None) -> Any:
    # Messages are asserted in English (commands' too: english_cli); the UI default is German.
    from django.utils import translation

    with translation.override("en"):
        yield
