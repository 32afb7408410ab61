"""Fixtures for hierarchy tests: link parties through the real actions."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from verbund.parties.models import Party
from verbund.relationships.actions import do_create_relationship
from verbund.relationships.models import Relationship


@pytest.fixture
def link(db: Any) -> Callable[..., Relationship]:
    """link(child, parent, type="group", valid_from=None, valid_to=None)"""

    def make(
        child: Party,
        parent: Party,
        type: str = "group",
        valid_from: dt.date | None = None,
        valid_to: dt.date | None = None,
    ) -> Relationship:
        return do_create_relationship(
            actor=None,
            type=type,
            from_party=child,
            to_party=parent,
            valid_from=valid_from,
            valid_to=valid_to,
        )

    return make
