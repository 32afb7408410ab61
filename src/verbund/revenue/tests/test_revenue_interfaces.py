"""API, CLI, customer file section, exports and hierarchy annotations over the example."""

import csv
import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook

from verbund.core.errors import Conflict
from verbund.core.tests.openapi import api_schema
from verbund.revenue import actions
from verbund.revenue.annotations import node_annotations
from verbund.revenue.periods import Period
from verbund.revenue.selectors import party_revenue

from .conftest import Example


def url(party: Any) -> str:
    return f"/api/v1/parties/{party.pk}/revenue/"


def test_a_viewer_reads_group_revenue_by_the_structure_of_each_month(
    example: Example, api_for: Any
) -> None:
    res = api_for("viewer").get(
        url(example.holding),
        {
            "from": "2025-01",
            "to": "2025-12",
            "scope": "group",
            "type": "group",
            "structure": "historic",
        },
    )
    assert res.status_code == 200, res.content
    body = res.json()
    assert body["total"] == "26857.90"
    assert body["root"] == example.holding.pk
    assert len(body["months"]) == 12
    assert {m["party"]: m["amount"] for m in body["breakdown"]}[example.b.pk] == "2100.70"


def test_the_association_scope_answers_with_its_members(example: Example, api_for: Any) -> None:
    res = api_for("viewer").get(url(example.z), {"year": "2025", "scope": "association"})
    assert res.status_code == 200
    assert res.json()["total"] == "10805.40"
    assert sorted(m["party"] for m in res.json()["breakdown"]) == sorted(
        [example.m1.pk, example.a.pk]
    )


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2025-13"}, "from"),
        ({"to": "Dezember"}, "to"),
        ({"scope": "everything"}, "scope"),
        ({"scope": "group", "type": "supplier"}, "type"),
        ({"scope": "group", "type": "nope"}, "type"),
        ({"structure": "yesterday"}, "structure"),
        ({"from": "2025-06", "to": "2025-01"}, "to"),
        ({"breakdown": "many"}, "breakdown"),
    ],
)
def test_bad_parameters_give_400_naming_the_parameter(
    example: Example, api_for: Any, params: dict[str, str], field: str
) -> None:
    res = api_for("viewer").get(url(example.holding), params)
    assert res.status_code == 400
    assert field in res.json()


def test_a_user_without_a_role_cannot_read_revenue(example: Example, api_for: Any) -> None:
    assert api_for(None).get(url(example.holding)).status_code == 403


def test_an_editor_records_revenue_and_a_viewer_may_not(org: Any, api_for: Any) -> None:
    p = org()
    body = {"party": p.number, "month": "2025-02", "amount": "99.95"}
    assert api_for("viewer").post("/api/v1/revenue/months/", body, format="json").status_code == 403
    res = api_for("editor").post("/api/v1/revenue/months/", body, format="json")
    assert res.status_code == 201, res.content
    assert party_revenue(p, scope="own", period=Period.year(2025)).total == "99.95"


def test_an_editor_changes_the_main_address_through_the_api(org: Any, api_for: Any) -> None:
    shop, z = org("Filiale"), org("Verband")
    client = api_for("editor")
    res = client.post(
        f"/api/v1/parties/{shop.pk}/main-address/",
        {"main": str(z.pk), "on": "2025-03-01"},
        format="json",
    )
    assert res.status_code == 200, res.content
    assert client.get(f"/api/v1/parties/{shop.pk}/main-address/").json()["main"] == z.pk


def test_a_main_address_the_stored_ones_refuse_is_a_409_naming_main(org: Any, api_for: Any) -> None:
    # The association settles through the branch already: the branch settling through the
    # association would close a cycle. Stored links refuse it (decision 0038, revision 2).
    shop, z = org("Filiale"), org("Verband")
    actions.do_set_main_address(z, shop, actor=None)
    res = api_for("editor").post(
        f"/api/v1/parties/{shop.pk}/main-address/", {"main": str(z.pk)}, format="json"
    )
    assert res.status_code == 409, res.content
    with pytest.raises(Conflict) as refused:
        actions.do_set_main_address(shop, z, actor=None)
    # The settlement link's to_party is the request's main.
    assert res.json() == {"main": refused.value.message_dict["to_party"]}
    assert "Filiale → Verband → Filiale" in res.json()["main"][0]
    assert actions.main_address_relationship(shop) is None


def test_the_schema_documents_the_409_of_a_main_address_the_stored_ones_refuse() -> None:
    operation = api_schema()["paths"]["/api/v1/parties/{id}/main-address/"]["post"]
    body = operation["responses"]["409"]["content"]["application/json"]["schema"]
    assert set(body["properties"]) == {"main", "on", "non_field_errors"}


def test_top_groups_rank_the_groups_of_today(example: Example, api_for: Any) -> None:
    res = api_for("viewer").get(
        "/api/v1/revenue/top-groups/", {"type": "group", "year": "2025", "limit": "5"}
    )
    assert res.status_code == 200, res.content
    groups = res.json()["groups"]
    assert groups[0]["party"] == example.holding.pk
    assert groups[0]["amount"] == "26758.48"
    # C was sold and stands alone today: it is no group and is not listed.
    assert example.c.pk not in [g["party"] for g in groups]


def test_the_cli_prints_the_group_year_as_json(example: Example) -> None:
    out = io.StringIO()
    call_command(
        "revenue",
        str(example.holding.pk),
        "--scope",
        "group",
        "--year",
        "2025",
        "--structure",
        "historic",
        "--json",
        stdout=out,
    )
    assert json.loads(out.getvalue())["total"] == "26857.90"


def test_the_cli_prints_a_readable_table(example: Example) -> None:
    out = io.StringIO()
    call_command(
        "revenue", example.holding.number, "--scope", "group", "--year", "2025", stdout=out
    )
    assert "26.758,48 €" in out.getvalue()


def test_the_customer_file_section_shows_own_group_and_chart(
    example: Example, make_user: Any
) -> None:
    client = Client()
    client.force_login(make_user("viewer"))
    res = client.get(
        f"/parties/{example.a.pk}/revenue/",
        {"rev_year": "2025", "rev_structure": "historic"},
        HTTP_HX_REQUEST="true",
    )
    assert res.status_code == 200
    html = res.content.decode()
    assert "<svg" in html and "6.000,60 €" in html and "26.857,90 €" in html


def test_the_chart_keeps_a_place_for_months_without_revenue(org: Any, make_user: Any) -> None:
    shop = org("Eckladen")
    actions.do_record_revenue(actor=None, party=shop, month="2025-02", amount="100.00")
    actions.do_record_revenue(actor=None, party=shop, month="2025-11", amount="50.00")
    client = Client()
    client.force_login(make_user("viewer"))
    actions.do_record_revenue(actor=None, party=shop, month="2024-11", amount="40.00")
    html = client.get(f"/parties/{shop.pk}/revenue/", {"rev_year": "2025"}).content.decode()
    # Two bars a month (the year before beside this one) and the legend's two swatches.
    assert html.count("<rect") == 2 * 12 + 2
    # Tooltips give the exact figures, the previous year's and the change (#18.3).
    assert "Januar 2025: 0,00 € (Vorjahr: 0,00 €)" in html
    assert "November 2025: 50,00 € (Vorjahr: 40,00 €, +25,0\u00a0%)" in html
    # The axis has values.
    assert ">0 €</text>" in html and ">100 €</text>" in html


def test_the_section_formats_amounts_in_the_users_language(
    example: Example, make_user: Any
) -> None:
    client = Client()
    client.force_login(make_user("viewer"))
    url = f"/parties/{example.a.pk}/revenue/"
    params = {"rev_year": "2025", "rev_structure": "historic"}
    english = client.get(url, params, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "€26,857.90" in english and "26.857,90" not in english


def test_the_section_of_a_settlement_party_lists_its_delivery_addresses(
    example: Example, make_user: Any
) -> None:
    client = Client()
    client.force_login(make_user("viewer"))
    html = client.get(f"/parties/{example.z.pk}/revenue/", {"rev_year": "2025"}).content.decode()
    assert "10.805,40 €" in html and example.m1.name in html


def test_exports_neutralise_cells_that_start_like_formulas(org: Any, make_user: Any) -> None:
    evil, parent = org('=HYPERLINK("http://x")'), org("+Holding")
    from verbund.relationships.actions import do_create_relationship

    do_create_relationship(
        actor=None, type="group", from_party=evil, to_party=parent, valid_from="2020-01-01"
    )
    actions.do_record_revenue(actor=None, party=evil, month="2025-01", amount="-5.00")
    client = Client()
    client.force_login(make_user("viewer"))
    res = client.get(f"/parties/{parent.pk}/revenue/export.csv", {"scope": "group", "year": "2025"})
    assert res.status_code == 200
    text = res.content.decode("utf-8-sig")
    cells = [c for row in csv.reader(io.StringIO(text), delimiter=";") for c in row]
    assert '\'=HYPERLINK("http://x")' in cells
    # Amounts stay numbers (German Excel's decimal comma): no apostrophe before the minus.
    assert "-5,00" in cells
    res = client.get(
        f"/parties/{parent.pk}/revenue/export.xlsx", {"scope": "group", "year": "2025"}
    )
    ws = load_workbook(io.BytesIO(b"".join(res.streaming_content))).active
    values = [c.value for row in ws.iter_rows() for c in row]
    assert '\'=HYPERLINK("http://x")' in values
    assert not any(isinstance(v, str) and v.startswith(("=", "+", "@")) for v in values)


def test_hierarchy_nodes_carry_own_and_subtree_revenue(example: Example) -> None:
    notes = node_annotations(
        [example.holding.pk, example.a.pk, example.d.pk], "group", "2025-12-31"
    )
    assert notes[example.a.pk] == {
        "revenue": "6000.60",
        "subtree_revenue": "8342.56",
        "revenue_year": 2025,
    }
    assert notes[example.d.pk]["subtree_revenue"] == "2341.96"
    # As of 31 Dec 2025 the holding's tree holds A, D and B (C was sold in September).
    assert notes[example.holding.pk]["subtree_revenue"] == "26758.48"


def test_annotations_for_today_read_the_closure(example: Example) -> None:
    notes = node_annotations([example.holding.pk], "group", None)
    assert set(notes[example.holding.pk]) == {"revenue", "subtree_revenue", "revenue_year"}
