"""Bad input to the parties API: a 400 naming the field (404 for ids that are not ids), never
a 500 (the shared probes of verbund.core.testing)."""

from collections.abc import Callable
from typing import Any

import pytest

from verbund.core.testing import (
    OVERLONG,
    assert_not_ids_are_404,
    assert_refuses_bad_input,
    assert_refuses_bad_query,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(api_for: Callable[..., Any]) -> Any:
    return api_for("editor")


def test_creating_a_party_refuses_bad_input(editor):
    body = {
        "kind": "organisation",
        "name": "Neu Handel GmbH",
        "city": "Bonn",
        "postcode": "53111",
        "country": "DE",
        "email": "info@neu-handel.de",
        "tag_names": ["Messe"],
    }
    assert_refuses_bad_input(editor, "/api/v1/parties/", body)


def test_changing_a_person_refuses_bad_input(editor, org, person):
    firm = org("Arbeitgeber GmbH")
    someone = person("Erika", "Muster")
    body = {"last_name": "Mustermann", "organisation": firm.pk, "birth_date": "1970-05-01"}
    assert_refuses_bad_input(editor, f"/api/v1/parties/{someone.pk}/", body, method="patch")


def test_archiving_refuses_bad_input(editor, org):
    url = f"/api/v1/parties/{org().pk}/archive/"
    assert_refuses_bad_input(editor, url, {"archived": True, "note": "geschlossen"})


@pytest.mark.parametrize(
    ("template", "method"),
    [
        ("/api/v1/parties/{}/", "get"),
        ("/api/v1/parties/{}/", "patch"),
        ("/api/v1/parties/{}/archive/", "post"),
        ("/api/v1/parties/{}/relationships/", "get"),
    ],
)
def test_ids_that_are_not_ids_are_404(editor, org, template, method):
    org()
    assert_not_ids_are_404(editor, template.format, method=method, body={"city": "Bonn"})


def test_the_party_list_refuses_over_long_search_input(editor, org):
    org()
    assert_refuses_bad_query(
        editor, "/api/v1/parties/", {"q": [OVERLONG], "search": ["x" * 60_000]}
    )


def test_the_party_list_refuses_bad_filters(editor, org):
    org()
    assert_refuses_bad_query(
        editor,
        "/api/v1/parties/",
        {
            "kind": ["robot"],
            "status": ["kaputt"],
            "organisation": ["abc", str(2**64)],
            "group": ["null,null"],
        },
    )


def test_the_party_list_refuses_unreadable_yes_no_filters(editor, org):
    org()
    assert_refuses_bad_query(
        editor, "/api/v1/parties/", {"archived": ["vielleicht"], "merged": ["x"]}
    )
