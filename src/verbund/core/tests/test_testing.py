"""The shared test support itself (verbund.core.testing): a UI route is declared and walked like
an API route, a wrong declaration is reported, and command errors are read as users see them."""

from typing import Any

import pytest

from verbund.core import testing
from verbund.core.testing import ADMINS, EVERYONE, Route


@pytest.mark.django_db
def test_a_ui_route_is_walked_like_an_api_route(make_user: Any) -> None:
    clients = testing.clients_by_identity(make_user, api=False)
    queue = Route("quality-queue", ui=True, allowed=EVERYONE)
    assert testing.walk_route(queue, {}, clients) == []


@pytest.mark.django_db
def test_a_declaration_the_code_does_not_meet_is_reported_per_identity(make_user: Any) -> None:
    clients = testing.clients_by_identity(make_user, api=False)
    wrong = Route("quality-queue", ui=True, allowed=ADMINS)
    failures = testing.walk_route(wrong, {}, clients)
    assert [f.split(":")[0] for f in failures] == [
        "viewer",
        "editor",
        "steward",
        "compliance",
        "privacy",
    ]


@pytest.mark.django_db
def test_the_ui_routes_not_declared_are_listed_by_name() -> None:
    declared = [d for d in testing.declared_routes() if d.app not in ("quality", "parties")]
    missing = testing.undeclared_ui_routes(declared)
    assert {"quality-queue", "party-list"} <= missing
    assert "compliance:queue" not in missing
    assert not any(name.startswith(("admin:", "api-root")) for name in missing)


def test_an_api_name_that_a_page_shares_is_reversed_in_the_api() -> None:
    assert Route("party-list").url({}) == "/api/v1/parties/"
    assert Route("party-list", ui=True).url({}) == "/parties/"


def test_command_errors_are_read_without_usage_and_progress_bars() -> None:
    stderr = (
        "usage: verbund import [-h]\n"
        "                      {parties} file\n"
        "verbund import: error: argument kind: invalid choice\n"
    )
    assert testing.error_lines(stderr) == ["verbund import: error: argument kind: invalid choice"]
    progress = "[######....]  60.0% Parties written\nCommandError: Import run #3 failed\n"
    assert testing.error_lines(progress) == ["CommandError: Import run #3 failed"]
