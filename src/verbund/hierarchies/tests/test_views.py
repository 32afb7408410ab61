"""The hierarchy view: tree from the top, path open, lazy children, search, export."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from verbund.relationships.actions import do_create_relationship

pytestmark = pytest.mark.django_db


def test_the_tree_starts_at_the_top_with_the_party_highlighted_and_its_path_open(client_for, group):
    c = client_for("viewer")
    body = (
        c.get(reverse("hierarchy", args=[group["sued"].pk]), {"type": "group"})
        .content.decode()
        .split('data-testid="tree"')[1]
    )
    assert (
        body.index("Müller Holding AG")
        < body.index("Müller Handel GmbH")
        < body.index("Müller Handel Süd GmbH")
    )
    assert f'class="node current on-path" id="node-{group["sued"].pk}"' in body
    assert f'id="node-{group["handel"].pk}"' in body and "Müller Handel Nord GmbH" in body
    assert f'href="/parties/{group["nord"].pk}/"' in body


def test_children_are_loaded_one_node_at_a_time(client_for, group):
    c = client_for("viewer")
    body = (
        c.get(reverse("hierarchy", args=[group["logistik"].pk]), {"type": "group"})
        .content.decode()
        .split('data-testid="tree"')[1]
    )
    assert f'data-testid="expand-{group["handel"].pk}"' in body
    assert "Müller Handel Süd GmbH" not in body
    part = c.get(
        reverse("hierarchy-children", args=[group["handel"].pk]), {"type": "group"}
    ).content.decode()
    assert (
        "Müller Handel Süd GmbH" in part
        and "Müller Handel Nord GmbH" in part
        and "Müller Holding AG" not in part
    )


def test_the_view_switches_between_the_party_hierarchies_and_dates(client_for, group, org):
    verband = org("EK Einkaufsverband eG")
    do_create_relationship(
        actor=None,
        type="settlement",
        from_party=group["handel"],
        to_party=verband,
        valid_from="2020-01-01",
    )
    c = client_for("viewer")
    body = c.get(
        reverse("hierarchy", args=[group["handel"].pk]), {"type": "settlement"}
    ).content.decode()
    assert "EK Einkaufsverband eG" in body and "Müller Holding AG" not in body
    past = c.get(
        reverse("hierarchy", args=[group["handel"].pk]),
        {"type": "settlement", "as_of": "2019-06-01"},
    ).content.decode()
    assert "EK Einkaufsverband eG" not in past.split('data-testid="tree"')[-1]


def test_the_tree_search_finds_members_only(client_for, group, org):
    org("Müller Fremd GmbH")
    c = client_for("viewer")
    body = c.get(
        reverse("hierarchy", args=[group["sued"].pk]), {"type": "group", "q": "muller"}
    ).content.decode()
    tree = body.split('data-testid="tree"')[1]
    assert f'class="node hit" id="node-{group["nord"].pk}"' in tree
    assert "Müller Fremd GmbH" not in body


def test_a_tree_search_without_words_finds_nothing(client_for, group):
    c = client_for("viewer")
    body = c.get(
        reverse("hierarchy", args=[group["sued"].pk]), {"type": "group", "q": "- ?"}
    ).content.decode()
    assert " hit" not in body.split('data-testid="tree"')[1]


def test_the_export_writes_csv_and_xlsx_with_formulas_neutralised(client_for, group, org):
    evil = org('=HYPERLINK("http://x")', city="\tKöln")
    do_create_relationship(actor=None, type="group", from_party=evil, to_party=group["logistik"])
    c = client_for("viewer")
    response = c.get(reverse("hierarchy-export", args=[group["sued"].pk, "csv"]), {"type": "group"})
    rows = list(csv.reader(io.StringIO(body(response).decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 1 + 6
    assert rows[1][2] == "Müller Holding AG"
    names = [r[2] for r in rows[1:]]
    assert '\'=HYPERLINK("http://x")' in names and all(not n.startswith("=") for n in names)
    assert "'\tKöln" in [r[3] for r in rows[1:]]
    xlsx = c.get(reverse("hierarchy-export", args=[group["sued"].pk, "xlsx"]), {"type": "group"})
    sheet = load_workbook(io.BytesIO(body(xlsx))).active
    values = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "Müller Handel Süd GmbH" in values and not any(str(v).startswith("=") for v in values)
    assert c.get(reverse("hierarchy-export", args=[group["sued"].pk, "exe"])).status_code == 404


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_export_is_streamed_in_the_order_of_the_view(client_for, group):
    c = client_for("viewer")
    url = reverse("hierarchy-export", args=[group["logistik"].pk, "csv"])
    response = c.get(url, {"type": "group"})
    assert response.streaming
    rows = list(csv.reader(io.StringIO(body(response).decode("utf-8-sig")), delimiter=";"))
    assert [r[2] for r in rows[1:]] == [
        "Müller Holding AG",
        "Müller Handel GmbH",
        "Müller Handel Nord GmbH",
        "Müller Handel Süd GmbH",
        "Müller Logistik GmbH",
    ]
    assert [r[0] for r in rows[1:]] == ["0", "1", "2", "2", "1"]
    assert rows[3][5] == group["handel"].number and rows[1][4] == "2"
    xlsx = c.get(
        reverse("hierarchy-export", args=[group["logistik"].pk, "xlsx"]), {"type": "group"}
    )
    assert xlsx.streaming
    sheet = load_workbook(io.BytesIO(body(xlsx))).active
    assert [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)][:3] == [
        "Müller Holding AG",
        "Müller Handel GmbH",
        "Müller Handel Nord GmbH",
    ]


def test_nodes_show_annotations_from_other_apps_loaded_after_the_tree(
    client_for, group, monkeypatch
):
    import re
    import types

    module = types.SimpleNamespace(
        node_annotations=lambda ids, type_key, as_of: {
            i: {
                "blocked": True,
                "revenue": "1234.00",
                "subtree_revenue": "5000.00",
                "revenue_year": 2026,
            }
            for i in ids
        }
    )
    from verbund.core import extensions

    monkeypatch.setattr(
        extensions,
        "modules",
        lambda name: iter([module]) if name == "annotations" else iter([]),
    )
    c = client_for("viewer")
    page = c.get(reverse("hierarchy", args=[group["sued"].pk]), {"type": "group"}).content.decode()
    loader = (
        re.search(r'hx-get="([^"]*hierarchy/annotations/[^"]*)"', page)
        .group(1)
        .replace("&amp;", "&")
    )
    body = c.get(loader).content.decode()
    assert body.count("badge-danger") == 5
    assert f'id="ann-{group["holding"].pk}" hx-swap-oob="true"' in body
    # a leaf shows its own revenue but no subtree sum
    leaf = body.split(f'id="ann-{group["nord"].pk}"')[1].split("</span>\n")[0]
    assert "1.234 €" in leaf and "Σ" not in leaf


def test_a_hierarchy_the_party_is_not_in_shows_a_hint_and_unknown_types_are_404(client_for, group):
    c = client_for("viewer")
    response = c.get(reverse("hierarchy", args=[group["sued"].pk]), {"type": "chain"})
    assert response.status_code == 200
    tree = response.content.decode().split('class="card tree-card"')[1]
    assert "Müller Holding AG" not in tree
    assert c.get(reverse("hierarchy", args=[group["sued"].pk]), {"type": "nope"}).status_code == 404


def test_long_child_lists_come_in_batches_without_repeating_the_party_on_the_path(
    client_for, group, org, monkeypatch
):
    import re

    from verbund.hierarchies import views as hierarchy

    monkeypatch.setattr(hierarchy, "BATCH", 3)
    kids = [org(f"Tochter {i}") for i in range(5)]
    for kid in kids:
        do_create_relationship(actor=None, type="group", from_party=kid, to_party=group["handel"])
    c = client_for("viewer")
    # Müller Handel Süd sorts after the first batch (Müller Handel Nord, Tochter 0, Tochter 1)
    page = c.get(reverse("hierarchy", args=[group["sued"].pk]), {"type": "group"}).content.decode()
    tree = page.split('data-testid="tree"')[1]
    assert (
        len(re.findall(rf'role="treeitem" class="[^"]*" id="node-{group["sued"].pk}"', tree)) == 1
    )
    more = (
        re.search(
            rf'hx-get="(/parties/{group["handel"].pk}/hierarchy/children/[^"]*offset=3[^"]*)"',
            tree,
        )
        .group(1)
        .replace("&amp;", "&")
    )
    rest = c.get(more).content.decode()
    assert not re.findall(rf'role="treeitem" class="[^"]*" id="node-{group["sued"].pk}"', rest)
    assert "Tochter 2" in rest and "Tochter 4" not in rest  # the next batch of three, minus Süd
    # a requested node with a long list of its own children gets a "show more" too
    page = c.get(
        reverse("hierarchy", args=[group["handel"].pk]), {"type": "group"}
    ).content.decode()
    assert re.search(r"hierarchy/children/\?type=group&amp;offset=3", page)


def test_the_tab_count_follows_the_as_of_date(client_for, group, org):
    gone = org("Müller Alt GmbH")
    do_create_relationship(
        actor=None,
        type="group",
        from_party=gone,
        to_party=group["handel"],
        valid_from="2015-01-01",
        valid_to="2020-12-31",
    )
    c = client_for("viewer")
    url = reverse("hierarchy", args=[group["holding"].pk])

    def tab_count(**params):
        body = c.get(url, {"type": "group", **params}).content.decode()
        tab = body.split('data-testid="tab-group"')[1].split("</a>")[0]
        return tab.split('class="count">')[1].split("<")[0]

    assert tab_count() == "5"
    assert tab_count(as_of="2019-06-01") == "6"
    assert tab_count(as_of="2021-06-01") == "5"


def test_a_party_linked_only_on_other_days_opens_on_the_tab_of_its_link(client_for, org):
    head, branch = org("Frischmarkt Zentrale"), org("Frischmarkt Filiale Nord")
    do_create_relationship(
        actor=None, type="chain", from_party=branch, to_party=head, valid_from="2099-01-01"
    )
    body = client_for("viewer").get(reverse("hierarchy", args=[branch.pk])).content.decode()
    assert 'class="tab active" href="?type=chain"' in body


def test_a_date_that_is_none_is_said_and_not_taken_for_todays_structure(client_for, group):
    c = client_for("viewer")
    for name in ("hierarchy", "hierarchy-chart"):
        page = c.get(
            reverse(name, args=[group["sued"].pk]),
            {"type": "group", "as_of": "31.02.2020"},
            HTTP_ACCEPT_LANGUAGE="de",
        )
        assert page.status_code == 200
        text = page.content.decode()
        assert 'data-testid="as-of-problem"' in text and "31.02.2020" in text, name
        assert "kein Datum" in text
