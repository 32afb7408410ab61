"""Who owns it: direct, effective and beneficial owners along share-carrying links (#17.4)."""

from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verbund.hierarchies.ownership import Graph, effective
from verbund.parties.models import Party
from verbund.relationships.actions import do_create_relationship


def own(owned: Party, owner: Party, share: str, type: str = "group") -> Any:
    return do_create_relationship(
        actor=None, type=type, from_party=owned, to_party=owner, share=Decimal(share)
    )


@pytest.fixture
def holding(org: Callable[..., Party], person: Callable[..., Party]) -> dict[str, Party]:
    """Erika holds 60 % of the Holding, which holds 80 % of the GmbH, which holds 50 % of the
    Werk; Max holds 40 % of the Holding and 20 % of the GmbH directly."""
    p = {
        "erika": person("Erika", "Muster"), "max": person("Max", "Klein"),
        "holding": org("Holding AG"), "gmbh": org("Müller GmbH"), "werk": org("Werk GmbH"),
    }  # fmt: skip
    for owned, owner, share in [("holding", "erika", "60"), ("holding", "max", "40")]:
        do_create_relationship(
            actor=None, type="consultant", from_party=p[owner], to_party=p[owned]
        )  # an unrelated link without share is ignored
        _person_share(p[owned], p[owner], share)
    own(p["gmbh"], p["holding"], "80")
    _person_share(p["gmbh"], p["max"], "20")
    own(p["werk"], p["gmbh"], "50")
    return p


def _person_share(owned: Party, owner: Party, share: str) -> None:
    from verbund.relationships.actions import do_create_relationship_type
    from verbund.relationships.models import RelationshipType

    if not RelationshipType.objects.filter(key="shareholder").exists():
        do_create_relationship_type(
            actor=None, key="shareholder", name_de="Gesellschafter", name_en="Shareholder",
            label_forward_de="ist beteiligt an", label_forward_en="is a shareholder of",
            label_inverse_de="hat Gesellschafter", label_inverse_en="has shareholder",
            carries_share=True,
        )  # fmt: skip
    do_create_relationship(
        actor=None, type="shareholder", from_party=owned, to_party=owner, share=Decimal(share)
    )


def test_effective_owners_multiply_along_paths_and_sum_over_them(
    holding: dict[str, Party], api_for: Callable[..., Any]
) -> None:
    p = holding
    res = api_for("viewer").get(f"/api/v1/parties/{p['werk'].pk}/ownership/")
    assert res.status_code == 200, res.content
    body = res.json()
    assert [(d["owner"]["name"], d["share"]) for d in body["direct_owners"]] == [
        ("Müller GmbH", "50.0000")
    ]
    got = {o["owner"]["name"]: o["effective_share"] for o in body["owners"]}
    # Max: 40 % x 80 % x 50 % + 20 % x 50 % = 16 % + 10 %.
    assert got == {
        "Müller GmbH": "50.0000", "Holding AG": "40.0000", "Erika Muster": "24.0000",
        "Max Klein": "26.0000",
    }  # fmt: skip
    assert [o["owner"]["name"] for o in body["beneficial_owners"]] == ["Max Klein"]
    max_paths = next(o for o in body["owners"] if o["owner"]["name"] == "Max Klein")["paths"]
    assert sorted(len(path["parties"]) for path in max_paths) == [3, 4]
    assert max_paths[0]["parties"][-1] == p["werk"].pk


def test_the_threshold_is_asked_for_or_refused_naming_it(
    holding: dict[str, Party], api_for: Callable[..., Any]
) -> None:
    client = api_for("viewer")
    res = client.get(f"/api/v1/parties/{holding['werk'].pk}/ownership/?threshold=20")
    assert [o["owner"]["name"] for o in res.json()["beneficial_owners"]] == [
        "Max Klein", "Erika Muster",
    ]  # fmt: skip
    for bad in ("0", "101", "viel", "NaN"):
        res = client.get(f"/api/v1/parties/{holding['werk'].pk}/ownership/?threshold={bad}")
        assert res.status_code == 400 and "threshold" in res.json(), bad
    res = client.get(f"/api/v1/parties/{holding['werk'].pk}/ownership/?type=chain")
    assert res.status_code == 400 and "type" in res.json()
    res = client.get(f"/api/v1/parties/{holding['werk'].pk}/ownership/?as_of=bald")
    assert res.status_code == 400 and "as_of" in res.json()


def test_the_top_parent_sees_its_effective_share_in_every_member(
    holding: dict[str, Party], api_for: Callable[..., Any]
) -> None:
    res = api_for("viewer").get(f"/api/v1/parties/{holding['holding'].pk}/ownership/")
    got = {h["party"]["name"]: h["effective_share"] for h in res.json()["holdings"]}
    assert got == {"Müller GmbH": "80.0000", "Werk GmbH": "40.0000"}


def test_cross_holdings_terminate_and_count_each_path_once(
    org: Callable[..., Party], api_for: Callable[..., Any]
) -> None:
    a, b, c = org("A AG"), org("B AG"), org("C AG")
    _person_share(a, b, "10")
    _person_share(b, a, "5")
    _person_share(c, a, "50")
    _person_share(c, b, "30")
    res = api_for("viewer").get(f"/api/v1/parties/{c.pk}/ownership/")
    assert res.status_code == 200
    got = {o["owner"]["name"]: o["effective_share"] for o in res.json()["owners"]}
    # A: 50 % + 30 % x 5 % = 51.5 %; B: 30 % + 50 % x 10 % = 35 %.
    assert got == {"A AG": "51.5000", "B AG": "35.0000"}
    assert res.json()["complete"] is True


def test_the_file_shows_the_beneficial_owners(
    holding: dict[str, Party], client_for: Callable[..., Any]
) -> None:
    client = client_for("viewer")
    sections = client.get(f"/parties/{holding['werk'].pk}/sections/hierarchies/").content.decode()
    assert f"/parties/{holding['werk'].pk}/ownership/" in sections
    html = client.get(f"/parties/{holding['werk'].pk}/ownership/").content.decode()
    assert "Max Klein" in html and "26\u00a0%" in html and "26,0000" not in html
    assert client.get(f"/parties/{holding['werk'].pk}/ownership/?threshold=x").status_code == 400


def test_the_owners_read_as_english_percentages_without_a_space(
    holding: dict[str, Party], client_for: Callable[..., Any]
) -> None:
    client = client_for("viewer")
    client.cookies["django_language"] = "en"
    url = f"/parties/{holding['werk'].pk}/ownership/?threshold=25.5"
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").text
    assert "persons holding at least 25.5%" in html
    assert ">26%<" in html and ">40%<" in html and " %" not in html


# --- the sums against a brute-force enumeration of paths -----------------------------------


def brute_force(graph: Graph, start: int) -> dict[int, Fraction]:
    """Every simple path from ``start``, enumerated, its product of shares summed per end."""
    out: dict[int, Fraction] = {}

    def walk(node: int, product: Fraction, seen: set[int]) -> None:
        for nxt, share in graph.get(node, ()):
            if nxt in seen:
                continue
            value = product * Fraction(share) / 100
            out[nxt] = out.get(nxt, Fraction(0)) + value
            walk(nxt, value, seen | {nxt})

    walk(start, Fraction(1), {start})
    return out


@st.composite
def graphs(draw: st.DrawFn) -> Graph:
    n = draw(st.integers(min_value=1, max_value=7))
    edges = draw(
        st.lists(
            st.tuples(
                st.integers(0, n - 1),
                st.integers(0, n - 1),
                st.decimals(min_value=Decimal("0.0001"), max_value=Decimal(100), places=4),
            ),
            max_size=14,
            unique_by=lambda e: (e[0], e[1]),
        )
    )
    graph: Graph = {i: [] for i in range(n)}
    for a, b, share in edges:
        if a != b:
            graph[a].append((b, share))
    return graph


@settings(max_examples=300, deadline=None)
@given(graphs(), st.booleans())
def test_effective_shares_equal_the_sum_over_every_simple_path(graph: Graph, acyclic: bool) -> None:
    if acyclic:  # half the cases as DAGs (links only to higher numbers): the linear path
        graph = {a: [(b, s) for b, s in edges if b > a] for a, edges in graph.items()}
    expected = brute_force(graph, 0)
    shares, _paths, complete = effective(graph, 0)
    assert complete
    assert set(shares) == set(expected)
    for node, value in expected.items():
        assert abs(Fraction(shares[node]) - value) < Fraction(1, 10**18)


def test_an_acyclic_graph_is_summed_in_one_pass_and_a_cyclic_one_by_its_paths() -> None:
    from verbund.hierarchies.ownership import _topological

    dag: Graph = {
        0: [(1, Decimal(50)), (2, Decimal(50))],
        1: [(3, Decimal(10))],
        2: [(3, Decimal(20))],
        3: [],
        9: [(0, Decimal(1))],
    }
    assert _topological(dag, 0) == [0, 1, 2, 3]
    dag[3] = [(1, Decimal(5))]
    assert _topological(dag, 0) is None


def test_the_ownership_takes_as_many_queries_however_many_holdings(
    holding: dict[str, Party], api_for: Callable[..., Any], org: Callable[..., Party]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_for("viewer")
    url = f"/api/v1/parties/{holding['holding'].pk}/ownership/"
    client.get(url)

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            res = client.get(url)
        assert res.status_code == 200
        return len(ctx.captured_queries), len(res.json()["holdings"])

    first, held = count()
    # More holdings beside the ones there (the levels stay: SQLite reads a query per level).
    for i in range(6):
        own(org(f"Tochter {i} GmbH"), holding["gmbh"], "100")
        own(org(f"Werk {i} GmbH"), holding["holding"], "51")
    again, held_now = count()
    assert held_now == held + 12 and again == first
    if connection.vendor == "postgresql":
        # There, one statement walks all levels.
        parent = holding["werk"]
        for i in range(3):
            child = org(f"Ebene {i} GmbH")
            own(child, parent, "75")
            parent = child
        assert count() == (first, held + 15)
