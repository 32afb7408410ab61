"""Fixtures for the web tests: logged-in clients per role and a small group."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from verbund.parties.models import Party
from verbund.relationships.actions import do_create_relationship


@pytest.fixture
def client_for(make_user: Callable[..., Any]) -> Callable[[str], Client]:
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
