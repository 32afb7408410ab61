"""A selection's count and rows validate with the form of the given filters alone
(``PartyFilterSet(given_only=True)``, ``selectors.parties``): the same query as the party
list's full form, the same parties, and the same refusals; and today's member filter tests
"no revenue" on the closure rows it joins, in one statement with no subquery for the members.
"""

import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from verbund.parties.filters import party_filterset
from verbund.parties.models import Party
from verbund.selections import selectors
from verbund.selections.tests.conftest import LAST_YEAR, THIS_YEAR, names

pytestmark = pytest.mark.django_db

# Every filter of the party list (those other apps add included), alone and together; values
# are world keys where a party is meant.
FILTERS: list[dict[str, Any]] = [
    {},
    {"group": "", "city": "", "no_revenue_from": "", "screening_hit": ""},
    {"q": "müller"},
    {"kind": "organisation", "status": ["customer", "prospect"]},
    {"city": "köln", "country": "de"},
    {"postcode": "53", "postcode_from": "50", "postcode_to": "80"},
    {"vat_id": "DE1", "lei": "X", "number": "1", "erp_source": "sap", "erp_id": "7"},
    {"archived": "false", "merged": "false"},
    {"merged": "true"},
    {"responsible": "none"},
    {"organisation": "holding"},
    {"group": "sued"},
    {"group": "holding", "as_of": "2023-06-01", "depth_min": "1", "depth_max": "2"},
    {"chain": "filiale1", "association": "verband"},
    {"group": "holding", "no_revenue_from": f"{THIS_YEAR}-01"},
    {"group": "holding", "no_revenue_to": f"{LAST_YEAR}-12"},
    {
        "association": "verband",
        "no_revenue_from": f"{LAST_YEAR}-01",
        "no_revenue_to": f"{LAST_YEAR}-12",
    },
    {"no_revenue_to": f"{LAST_YEAR}-12"},
    {"no_revenue_from": f"{THIS_YEAR}-01", "city": "Köln"},
    {"revenue_min": "1000", "revenue_from": f"{LAST_YEAR}-01", "revenue_to": f"{LAST_YEAR}-12"},
    {"revenue_max": "500", "revenue_change_min": "-50", "revenue_change_max": "60"},
    {"screening_hit": "true", "duplicate": "false"},
    {"no_relationship_type": "supplier", "relationship_type": "group"},
    {"group": "", "no_revenue_to": f"{LAST_YEAR}-12"},
    {"group": "holding", "as_of": "2023-06-01", "no_revenue_from": f"{LAST_YEAR}-01"},
    {"chain": "filiale1", "group": "holding", "no_revenue_to": f"{LAST_YEAR}-12"},
    {"association": "verband", "depth_min": "0", "no_revenue_from": f"{THIS_YEAR}-01"},
    {"no_revenue_from": "", "no_revenue_to": ""},
    {"revenue_to": f"{LAST_YEAR}-06", "revenue_min": "1"},
]

REFUSED: list[dict[str, Any]] = [
    {"group": "x"},
    {"depth_min": "1"},
    {"group": "holding", "depth_min": "3", "depth_max": "1"},
    {"no_revenue_from": f"{THIS_YEAR}-05", "no_revenue_to": f"{THIS_YEAR}-01"},
    {"revenue_min": "10", "revenue_max": "5"},
    {"archived": "vielleicht"},
    {"colour": "blue"},
    {"no_relationship_type": "unknown"},
    {"tag": "kein Schlagwort"},
]


def _given(world: dict[str, Party], filters: dict[str, Any]) -> dict[str, Any]:
    return {
        k: str(world[v].pk) if isinstance(v, str) and v in world else v for k, v in filters.items()
    }


def _filtersets(filters: dict[str, Any]) -> tuple[Any, Any]:
    cls = party_filterset()
    full = cls(selectors.as_query(filters), queryset=Party.objects.all())
    given = cls(selectors.as_query(filters), queryset=Party.objects.all(), given_only=True)
    return full, given


@pytest.mark.parametrize("filters", FILTERS)
def test_the_form_of_the_given_filters_makes_the_full_forms_query(world, filters):
    full, given = _filtersets(_given(world, filters))
    assert full.is_valid(), full.errors
    assert given.is_valid(), given.errors
    assert str(given.qs.query) == str(full.qs.query)
    assert set(given.qs.values_list("pk", flat=True)) == set(full.qs.values_list("pk", flat=True))
    assert given.leaves_out_merged() == full.leaves_out_merged()


@pytest.mark.parametrize("filters", REFUSED)
def test_the_form_of_the_given_filters_refuses_what_the_full_form_refuses(world, filters):
    full, given = _filtersets(_given(world, filters))
    assert not full.is_valid()
    assert not given.is_valid()
    assert {k: list(v) for k, v in given.errors.items()} == {
        k: list(v) for k, v in full.errors.items()
    }
    with pytest.raises(ValidationError):
        selectors.parties(_given(world, filters))


def test_no_revenue_to_alone_is_applied_once_by_either_form(world):
    filters = {"no_revenue_to": f"{LAST_YEAR}-12"}
    full, given = _filtersets(filters)
    for filterset in (full, given):
        sql = str(filterset.qs.query)
        assert sql.count("revenue_revenuemonth") == 1, sql
    # Nord had revenue last year, Süd none before this year.
    found = names(world, set(selectors.parties(filters).values_list("pk", flat=True)))
    assert "sued" in found
    assert "nord" not in found


def test_todays_members_without_revenue_are_one_join_and_one_probe_of_their_months(world):
    """Inside ``id IN (closure ...)`` PostgreSQL costed the first page so high that it read it
    with parallel workers, 19x the raw page at 200,000 parties (docs/revenue.md)."""
    filters = selectors.white_space_filters(world["holding"].pk, "group")
    sql = str(selectors.parties(filters).query)
    assert re.search(r'INNER JOIN "hierarchies_closureentry"', sql), sql
    assert " IN (SELECT" not in sql, sql
    assert re.search(r'"party_id" = \(?"hierarchies_closureentry"\."descendant_id"\)?', sql), sql


def test_the_group_filter_finds_its_top_in_one_read_of_the_closure(world):
    """The top of the party's tree and whether it is in one (``hierarchies.tree_top``): one
    index seek before the count, where there were two (the top, then its self row)."""
    selectors.count({"group": str(world["sued"].pk)})  # the closure brought up to today
    with CaptureQueriesContext(connection) as ctx:
        assert selectors.count({"group": str(world["sued"].pk)}) == 4
        assert selectors.count({"group": str(world["allein"].pk)}) == 1
    sql = [q["sql"] for q in ctx.captured_queries]
    reads = [q for q in sql if "hierarchies_closureentry" in q and "COUNT(" not in q]
    assert len(reads) == 2, sql
    assert all("ORDER BY depth DESC" in q for q in reads), sql


@pytest.mark.parametrize("filters", [{"tag": "Newsletter"}, {"tag": "newsletter", "city": "Köln"}])
def test_a_tag_in_any_spelling_makes_the_same_query_in_either_form(world, org, filters):
    org("Newsletter GmbH", city="Köln", tags=["Newsletter"])
    full, given = _filtersets(filters)
    assert full.is_valid() and given.is_valid(), (full.errors, given.errors)
    assert str(given.qs.query) == str(full.qs.query)
    assert list(given.qs.values_list("name", flat=True)) == ["Newsletter GmbH"]
