"""Bad input to the revenue API: a 400 naming the field or parameter (404 for ids that are not
ids), never a 500, nothing written."""

from collections.abc import Callable
from typing import Any

import pytest

from verbund.core.testing import (
    OVERLONG,
    assert_not_ids_are_404,
    assert_refuses_bad_input,
    assert_refuses_bad_query,
)
from verbund.relationships.actions import do_create_relationship
from verbund.revenue.models import RevenueMonth

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(api_for: Callable[..., Any]) -> Any:
    return api_for("editor")


@pytest.fixture
def parties(org: Callable[..., Any]) -> dict[str, Any]:
    parent, member = org("Mutter AG"), org("Tochter GmbH")
    do_create_relationship(actor=None, type="group", from_party=member, to_party=parent)
    return {"parent": parent, "member": member}


def test_recording_a_month_refuses_bad_input(parties, editor):
    body = {
        "party": str(parties["member"].pk),
        "month": "2025-03",
        "amount": "100.00",
        "currency": "EUR",
        "settled_by": str(parties["parent"].pk),
        "source": "erp",
        "reference": "RE-1",
    }
    assert_refuses_bad_input(editor, "/api/v1/revenue/months/", body)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("party", "null,null"),
        ("party", "abc"),
        ("party", str(2**70)),
        ("party", "-1"),
        ("settled_by", "99999999"),
        ("month", "2025-13"),
        ("month", "1.1.2025"),
        ("amount", "1e400"),
        ("amount", "NaN"),
        ("amount", "99999999999999999999"),
        ("currency", "EURO"),
        ("currency", "xx"),
    ],
)
def test_recording_a_month_names_the_bad_field_and_writes_nothing(parties, editor, field, value):
    body = {"party": str(parties["member"].pk), "month": "2025-03", "amount": "1", field: value}
    response = editor.post("/api/v1/revenue/months/", body, format="json")
    assert response.status_code == 400, response.content[:300]
    assert field in response.json(), response.json()
    assert not RevenueMonth.objects.exists()


def test_setting_the_main_address_refuses_bad_input(parties, editor):
    url = f"/api/v1/parties/{parties['member'].pk}/main-address/"
    body = {"main": str(parties["parent"].pk), "on": "2025-01-01"}
    assert_refuses_bad_input(editor, url, body)
    for bad in ("null,null", str(2**70), "nobody:nothing"):
        response = editor.post(url, {"main": bad}, format="json")
        assert response.status_code == 400 and "main" in response.json(), response.content


def test_the_revenue_reads_refuse_bad_parameters(parties, editor):
    assert_refuses_bad_query(
        editor,
        f"/api/v1/parties/{parties['member'].pk}/revenue/",
        {
            "from": ["2025-13", OVERLONG],
            "to": ["x"],
            "year": ["abc", "99999999999999999999", "-5"],
            "scope": ["everything"],
            "structure": ["future"],
            "breakdown": ["-1", "1e9"],
        },
    )
    assert_refuses_bad_query(
        editor,
        f"/api/v1/parties/{parties['member'].pk}/revenue/?scope=group",
        {
            "type": ["no-such-type", "supplier"],
        },
    )
    assert_refuses_bad_query(
        editor,
        "/api/v1/revenue/top-groups/",
        {"year": ["abc"], "limit": ["0", "x"], "type": ["no-such-type"]},
    )


@pytest.mark.parametrize(
    ("template", "method"),
    [
        ("/api/v1/parties/{}/revenue/", "get"),
        ("/api/v1/parties/{}/main-address/", "get"),
        ("/api/v1/parties/{}/main-address/", "post"),
    ],
)
def test_ids_that_are_not_ids_are_404(parties, editor, template, method):
    assert_not_ids_are_404(editor, template.format, method=method, body={"main": None})


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/revenue/top/?year=9999",
        "/api/v1/revenue/top/?from=9999-01&to=9999-12",
        "/api/v1/revenue/top-groups/?year=9999",
        "/api/v1/parties/{member}/revenue/?year=9999&scope=group",
        "/api/v1/parties/{member}/revenue/?from=9999-12&to=9999-12",
    ],
)
def test_the_last_year_the_schema_admits_is_read_not_a_500(parties, editor, url):
    # A period ending in December 9999 has no month after it (a ValueError building one).
    response = editor.get(url.format(member=parties["member"].pk))
    assert response.status_code == 200, response.content
