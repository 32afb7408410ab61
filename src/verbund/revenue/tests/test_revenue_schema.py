"""The revenue API's schema states the months and bounds its parameters and bodies take."""

import re

import pytest
from django.core.exceptions import ValidationError

from verbund.core.tests.openapi import admits, parameter
from verbund.revenue import analysis
from verbund.revenue.api import TOP_GROUPS_MAX
from verbund.revenue.periods import MONTH_PATTERN, YEAR_MAX, YEAR_MIN, parse_month


@pytest.mark.parametrize(
    "text",
    [
        "2025-01",
        "2025-12",
        "1900-06",
        "9999-12",
        "1899-12",
        "2025-13",
        "2025-00",
        "2025-1",
        "25-01",
        "2025/01",
        "",
    ],
)
def test_the_month_pattern_admits_a_month_only_when_parse_month_does(text):
    try:
        parse_month(text)
        parsed = True
    except ValidationError:
        parsed = False
    if re.match(MONTH_PATTERN, text):
        assert parsed, text
    # The pattern is YYYY-MM; parse_month also reads a date in the month (YYYY-MM-DD).
    if parsed and len(text) == 7:
        assert re.match(MONTH_PATTERN, text), text


def test_a_recorded_month_is_in_the_month_pattern():
    assert admits("RevenueMonthRequest", {"party": "1", "month": "2025-03", "amount": "10"})
    assert not admits("RevenueMonthRequest", {"party": "1", "month": "März", "amount": "10"})


@pytest.mark.parametrize("path", ["/api/v1/revenue/top-groups/", "/api/v1/revenue/top/"])
def test_the_period_parameters_state_their_form_and_bounds(path):
    assert parameter(path, "get", "year") == {
        "type": "integer",
        "minimum": YEAR_MIN,
        "maximum": YEAR_MAX,
    }
    for name in ("from", "to"):
        assert parameter(path, "get", name)["pattern"] == MONTH_PATTERN


def test_the_limits_state_their_bounds():
    top_groups = parameter("/api/v1/revenue/top-groups/", "get", "limit")
    assert (top_groups["minimum"], top_groups["maximum"]) == (1, TOP_GROUPS_MAX)
    top = parameter("/api/v1/revenue/top/", "get", "limit")
    assert (top["minimum"], top["maximum"]) == (1, analysis.MAX_LIMIT)


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"limit": TOP_GROUPS_MAX, "year": YEAR_MAX}, 200),
        ({"limit": TOP_GROUPS_MAX + 1}, 400),
        ({"limit": 0}, 400),
        ({"year": YEAR_MIN - 1}, 400),
    ],
)
def test_top_groups_refuses_exactly_what_its_parameters_schema_excludes(admin_api, query, status):
    assert admin_api.get("/api/v1/revenue/top-groups/", query).status_code == status
