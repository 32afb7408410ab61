"""Every selection filter as a query parameter of /api/v1/parties/, on the world of
``conftest`` (run on SQLite and PostgreSQL): the parties each selects, and a 400 naming the
parameter for an unknown name or a bad value."""

from collections.abc import Callable
from typing import Any

import pytest

from verbund.compliance.actions import do_import_list
from verbund.compliance.tests import fixtures
from verbund.parties.models import Party
from verbund.quality.actions import do_record_candidates
from verbund.relationships.actions import do_create_relationship
from verbund.selections import selectors
from verbund.selections.tests.conftest import LAST_YEAR, THIS_YEAR, ids, names

pytestmark = pytest.mark.django_db

URL = "/api/v1/parties/"


@pytest.fixture
def api(api_for: Callable[..., Any]) -> Any:
    return api_for("viewer")


def select(api: Any, world: dict[str, Any], **params: Any) -> set[str]:
    return names(world, ids(api.get(URL, {"page_size": 1000, **params})))


def test_group_selects_the_whole_group_of_any_member_today(api, world):
    expected = {"holding", "handel", "sued", "nord"}
    assert select(api, world, group=world["holding"].pk) == expected
    assert select(api, world, group=world["sued"].pk) == expected


def test_group_at_a_date_selects_the_group_as_it_stood_then(api, world):
    then = {"holding", "handel", "sued", "logistik"}
    assert select(api, world, group=world["holding"].pk, as_of="2023-06-01") == then
    # From a member that had left by today, the group of that day.
    assert select(api, world, group=world["logistik"].pk, as_of="2023-06-01") == then


def test_depth_limits_the_levels_below_the_top(api, world):
    top = world["holding"].pk
    assert select(api, world, group=top, depth_max=0) == {"holding"}
    assert select(api, world, group=top, depth_min=1, depth_max=1) == {"handel"}
    assert select(api, world, group=top, depth_min=2) == {"sued", "nord"}
    assert select(api, world, group=top, depth_min=1, as_of="2023-06-01") == {
        "handel",
        "sued",
        "logistik",
    }
    assert select(api, world, group=top, depth_min=2, depth_max=2, as_of="2023-06-01") == {"sued"}


def test_chain_and_association_select_their_members(api, world):
    assert select(api, world, chain=world["filiale2"].pk) == {"zentrale", "filiale1", "filiale2"}
    assert select(api, world, association=world["verband"].pk) == {
        "verband",
        "mitglied1",
        "liefer",
        "mitglied2",
    }
    # A member association settles for its own members only.
    assert select(api, world, association=world["mitglied1"].pk) == {"mitglied1", "liefer"}
    assert select(api, world, association=world["verband"].pk, depth_min=1, depth_max=1) == {
        "mitglied1",
        "mitglied2",
    }


def test_two_member_filters_select_the_parties_in_both_each_once(api, world):
    # Each of today's member filters joins its own closure rows (selectors.members_q).
    do_create_relationship(
        actor=None, type="chain", from_party=world["handel"], to_party=world["zentrale"]
    )
    both = {"group": world["sued"].pk, "chain": world["filiale1"].pk}
    assert select(api, world, **both) == {"handel"}
    assert selectors.count(both) == 1
    assert select(api, world, **both, depth_min=2) == set()
    assert selectors.count({"group": world["holding"].pk, "depth_min": 1}) == 3


def test_the_members_of_a_group_read_inside_another_query_are_the_same(world):
    members = selectors.parties({"group": world["nord"].pk}).values("pk")
    outer = Party.objects.filter(pk__in=members).exclude(pk=world["nord"].pk)
    assert names(world, set(outer.values_list("pk", flat=True))) == {
        "holding",
        "handel",
        "sued",
    }


def test_a_party_in_no_tree_is_a_group_of_one(api, world):
    assert select(api, world, group=world["allein"].pk) == {"allein"}
    assert select(api, world, group=world["allein"].pk, depth_min=1) == set()


def test_revenue_bounds_compare_the_own_revenue_of_the_period(api, world):
    group = world["holding"].pk
    # This calendar year by default.
    assert select(api, world, group=group, revenue_min="1000") == {"holding", "handel"}
    assert select(api, world, group=group, revenue_max="600") == {"sued", "nord"}
    assert select(api, world, group=group, revenue_min="500", revenue_max="500.00") == {"sued"}
    last = {"revenue_from": f"{LAST_YEAR}-01", "revenue_to": f"{LAST_YEAR}-12"}
    assert select(api, world, group=group, revenue_min="800", **last) == {
        "holding",
        "handel",
        "nord",
    }
    # A period of months reads the monthly figures: only January of this year.
    jan = f"{THIS_YEAR}-01"
    assert select(api, world, revenue_min="250.50", revenue_from=jan, revenue_to=jan) == {
        "holding",
        "handel",
        "sued",
        "mitglied1",
        "liefer",
    }
    assert select(api, world, revenue_min="250.51", revenue_from=jan, revenue_to=jan) == {
        "holding",
        "handel",
        "sued",
        "mitglied1",
    }


def test_revenue_change_compares_with_the_same_months_a_year_before(api, world):
    group = world["holding"].pk
    assert select(api, world, group=group, revenue_change_min="50") == {"holding"}
    assert select(api, world, group=group, revenue_change_min="50.01") == set()
    assert select(api, world, group=group, revenue_change_max="-40") == {"handel", "nord"}
    assert select(api, world, revenue_change_min="0", revenue_change_max="0") == {
        "filiale1",
        "mitglied1",
    }
    # New customers (nothing a year before) have no change in percent.
    assert "sued" not in select(api, world, revenue_change_min="-100")


def test_no_revenue_selects_parties_without_figures_in_the_months(api, world):
    group = world["holding"].pk
    this = {"no_revenue_from": f"{THIS_YEAR}-01", "no_revenue_to": f"{THIS_YEAR}-12"}
    assert select(api, world, group=group, **this) == {"nord"}
    # "No revenue since": an open end.
    assert select(api, world, group=group, no_revenue_from=f"{LAST_YEAR}-04") == {"nord"}
    assert select(api, world, group=group, no_revenue_to=f"{LAST_YEAR}-12") == {"sued"}


def test_screening_hit_selects_parties_with_an_undecided_hit(api, world, org):
    do_import_list(
        "ofac-csv",
        [
            ("sdn.csv", fixtures.OFAC_SDN),
            ("alt.csv", fixtures.OFAC_ALT),
            ("add.csv", fixtures.OFAC_ADD),
        ],
        actor=None,
    )
    bank = org("Banco Nacional de Cuba")
    found = ids(api.get(URL, {"screening_hit": "true", "page_size": 1000}))
    assert found == {bank.pk}
    without = ids(api.get(URL, {"screening_hit": "false", "page_size": 1000}))
    assert bank.pk not in without and world["holding"].pk in without


def test_duplicate_selects_parties_in_an_open_suggestion(api, world):
    pair = {"a": world["nord"].pk, "b": world["sued"].pk, "probability": 0.9, "points": 9}
    do_record_candidates([pair], actor=None)
    assert select(api, world, duplicate="true") == {"nord", "sued"}
    assert select(api, world, group=world["holding"].pk, duplicate="false") == {
        "holding",
        "handel",
    }


def test_relationship_type_present_or_absent(api, world):
    assert select(api, world, relationship_type="supplier") == {"logistik", "allein"}
    absent = select(api, world, no_relationship_type="group")
    assert absent == {
        "zentrale",
        "filiale1",
        "filiale2",
        "verband",
        "mitglied1",
        "liefer",
        "mitglied2",
        "allein",
    }


def test_city_and_postcode_area(api, world):
    assert select(api, world, city="bonn") == {"verband", "mitglied1"}
    assert select(api, world, postcode_from="50", postcode_to="53") == {
        "holding",
        "mitglied2",
        "allein",
        "verband",
        "mitglied1",
        "liefer",
    }
    assert select(api, world, postcode_from="80000", postcode_to="86150") == {"handel", "sued"}


def test_filters_combine(api, world):
    assert select(
        api,
        world,
        group=world["holding"].pk,
        revenue_min="100",
        postcode_from="80",
        postcode_to="89",
    ) == {"handel", "sued"}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"no_such_filter": "1"}, "no_such_filter"),
        ({"group": "abc"}, "group"),
        ({"group": "0"}, "group"),
        ({"group": "99999999999999999999999"}, "group"),
        ({"group": "1", "as_of": "2024-13-01"}, "as_of"),
        ({"group": "1", "depth_min": "-1"}, "depth_min"),
        ({"group": "1", "depth_max": "9999"}, "depth_max"),
        ({"group": "1", "depth_min": "3", "depth_max": "1"}, "depth_max"),
        ({"depth_max": "1"}, "depth_max"),
        ({"as_of": "2024-01-01"}, "as_of"),
        ({"revenue_min": "viel"}, "revenue_min"),
        ({"revenue_min": "1.234"}, "revenue_min"),
        ({"revenue_min": "1e400"}, "revenue_min"),
        ({"revenue_min": "10", "revenue_max": "5"}, "revenue_max"),
        ({"revenue_min": "10", "revenue_from": "2025"}, "revenue_from"),
        ({"revenue_min": "10", "revenue_to": "2025-00"}, "revenue_to"),
        ({"revenue_from": "2025-05", "revenue_to": "2025-01"}, "revenue_to"),
        ({"revenue_change_min": "-101"}, "revenue_change_min"),
        ({"revenue_change_min": "abc"}, "revenue_change_min"),
        ({"no_revenue_from": "gestern"}, "no_revenue_from"),
        ({"no_revenue_from": "2025-06", "no_revenue_to": "2025-01"}, "no_revenue_to"),
        ({"screening_hit": "vielleicht"}, "screening_hit"),
        ({"duplicate": "ja"}, "duplicate"),
        ({"no_relationship_type": "no-such-type"}, "no_relationship_type"),
    ],
)
def test_an_unknown_filter_or_a_bad_value_is_a_400_naming_it(api, world, params, field):
    response = api.get(URL, params)
    assert response.status_code == 400, (params, response.status_code, response.content[:300])
    assert field in response.json(), response.json()


def test_paging_and_ordering_parameters_are_no_unknown_filters(api, world):
    response = api.get(URL, {"page_size": 2, "ordering": "name", "search": "Müller"})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 2


def test_the_party_list_page_filters_alike_and_names_an_unknown_filter(client_for, world):
    client = client_for("viewer")
    page = client.get("/parties/", {"group": world["holding"].pk, "revenue_min": "1000"})
    assert page.status_code == 200
    assert {p.pk for p in page.context["page"].rows} == {
        world["holding"].pk,
        world["handel"].pk,
    }
    page = client.get("/parties/", {"gruppe": "1"})
    assert page.status_code == 200
    assert list(page.context["page"].rows) == []
    assert "gruppe" in page.content.decode()
