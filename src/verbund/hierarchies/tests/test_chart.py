"""The org chart of a group (#17.2): layout, drawing, the page, the download, query counts."""

import itertools
import random
import re
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from verbund.hierarchies import chart
from verbund.hierarchies.chart import Chart, ChartNode
from verbund.relationships.actions import do_create_relationship
from verbund.revenue.actions import do_record_revenue

SVG = "{http://www.w3.org/2000/svg}"


def _random_tree(rng: random.Random, size: int) -> ChartNode:
    root = ChartNode(id=0)
    nodes = [root]
    for i in range(1, size):
        parent = rng.choice(nodes[-40:]) if rng.random() < 0.7 else rng.choice(nodes)
        kid = ChartNode(id=i, depth=parent.depth + 1)
        parent.children.append(kid)
        nodes.append(kid)
    return root


def _all(root: ChartNode) -> list[ChartNode]:
    out, stack = [], [root]
    while stack:
        n = stack.pop()
        out.append(n)
        stack.extend(n.children)
    return out


@pytest.mark.parametrize("seed", range(20))
def test_the_layout_never_puts_two_boxes_of_a_level_closer_than_one_slot(seed):
    rng = random.Random(seed)
    c = Chart(root=_random_tree(rng, rng.randint(1, 300)), nodes=0, hidden=0)
    chart.layout(c)
    by_depth: dict[int, list[float]] = {}
    for n in _all(c.root):
        by_depth.setdefault(n.depth, []).append(n.x)
        if n.children:
            # A parent stands centred over its first and last child.
            assert n.x == pytest.approx((n.children[0].x + n.children[-1].x) / 2)
            # Children keep their order left to right.
            xs = [k.x for k in n.children]
            assert xs == sorted(xs)
    for xs in by_depth.values():
        xs.sort()
        assert all(b - a >= 1 - 1e-9 for a, b in itertools.pairwise(xs))
    assert min(n.x for n in _all(c.root)) == 0


def test_five_hundred_boxes_are_laid_out_at_a_fixed_size_in_a_few_milliseconds():
    import time

    root = ChartNode(id=0)
    for i in range(25):
        kid = ChartNode(id=i + 1, depth=1)
        kid.children = [ChartNode(id=1000 + i * 20 + j, depth=2) for j in range(20)]
        root.children.append(kid)
    c = Chart(root=root, nodes=526, hidden=0)
    started = time.perf_counter()
    chart.layout(c)
    svg = chart.render_svg(c, party_url=str, open_url=lambda n: "#", title="Gruppe")
    elapsed = time.perf_counter() - started
    assert elapsed < 0.5
    # 500 leaves side by side, each a box of the fixed width: wide, scrolled in its frame.
    assert c.width == 2 * chart.MARGIN + 499 * (chart.NODE_W + chart.GAP_X) + chart.NODE_W
    assert svg.count("<rect") == 1 + 526


def test_long_names_are_cut_in_the_box_and_whole_in_the_title():
    name = "Sehr Lange Firmenbezeichnung Mit Vielen Worten GmbH & Co. KG"
    c = Chart(root=ChartNode(id=7, name=name, number="K-7", city="Köln"), nodes=1, hidden=0)
    chart.layout(c)
    svg = chart.render_svg(c, party_url=lambda i: f"/p/{i}/", open_url=lambda n: "#", title="T")
    root = ET.fromstring(svg)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert name not in texts
    assert any(t and t.endswith("…") and len(t) <= chart.NAME_CHARS for t in texts)
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert any(name.replace("&", "&") in (t or "") for t in titles)


def test_shares_read_in_german():
    from decimal import Decimal

    with translation.override("de"):
        assert chart.share_label(Decimal("100.0000")) == "100\u00a0%"
        assert chart.share_label(Decimal("25.5000")) == "25,5\u00a0%"
        assert chart.share_label(Decimal("33.3333")) == "33,33\u00a0%"


def test_shares_read_in_english_without_a_space_and_are_remembered_per_language():
    from decimal import Decimal

    share = Decimal("25.5000")
    with translation.override("en"):
        assert chart.share_label(share) == "25.5%"
        assert chart.share_label(Decimal("33.3333")) == "33.33%"
    with translation.override("de"):
        assert chart.share_label(share) == "25,5\u00a0%"
    with translation.override("en"):
        assert chart.share_label(share) == "25.5%"


@pytest.mark.django_db
def test_the_chart_draws_the_group_from_the_top_with_the_path_marked_and_links_to_files(
    client_for, group
):
    do_record_revenue(
        actor=None, party=group["sued"], month=f"{dt_today().year}-03", amount="1234567"
    )
    c = client_for("viewer")
    with translation.override("de"):
        response = c.get(
            reverse("hierarchy-chart", args=[group["sued"].pk]),
            {"type": "group"},
            HTTP_ACCEPT_LANGUAGE="de",
        )
    assert response.status_code == 200
    page = response.content.decode()
    svg = page[page.index("<svg") : page.index("</svg>") + 6]
    root = ET.fromstring(svg)
    links = {a.get("data-testid"): a for a in root.iter(f"{SVG}a")}
    for key in ("holding", "handel", "sued", "nord", "logistik"):
        node = links[f"chart-node-{group[key].pk}"]
        assert node.get("href") == reverse("party-detail", args=[group[key].pk])
    # The ultimate parent stands on top, the party at the bottom of the path, marked.
    assert 'class="chart-node current on-path"' in svg
    assert re.search(rf'class="chart-node on-path" id="chart-node-{group["holding"].pk}"', svg)
    assert "1.234.567\u00a0€" in svg or "1.234.567 €" in svg
    assert "100\u00a0%" in svg
    # No inline style or script: the page's CSP forbids them.
    assert "style=" not in svg and "<script" not in svg
    assert 'data-testid="view-list"' in page


def dt_today():
    from verbund.hierarchies import engine

    return engine.today()


@pytest.mark.django_db
def test_a_level_below_the_first_collapses_into_a_plus_box_that_opens_it(client_for, group, org):
    c = client_for("viewer")
    url = reverse("hierarchy-chart", args=[group["holding"].pk])
    page = c.get(url, {"type": "group", "levels": "1"}).content.decode()
    assert f'data-testid="chart-open-{group["handel"].pk}"' in page
    assert f'data-testid="chart-node-{group["sued"].pk}"' not in page
    link = re.search(
        rf'<a href="([^"]+)"[^>]*data-testid="chart-open-{group["handel"].pk}"', page
    ).group(1)
    opened = c.get(link.replace("&amp;", "&").split("#")[0]).content.decode()
    assert f'data-testid="chart-node-{group["sued"].pk}"' in opened
    assert f'data-testid="chart-open-{group["handel"].pk}"' not in opened


@pytest.mark.django_db
def test_a_node_with_many_children_shows_the_first_and_a_box_for_the_rest(client_for, org):
    top = org("Zentrale AG")
    for i in range(chart.CHILD_CAP + 3):
        do_create_relationship(
            actor=None, type="group", from_party=org(f"Filiale {i:02}"), to_party=top
        )
    c = client_for("viewer")
    url = reverse("hierarchy-chart", args=[top.pk])
    page = c.get(url, {"type": "group"}).content.decode()
    assert page.count('class="chart-node') == chart.CHILD_CAP + 1
    assert f'data-testid="chart-wide-{top.pk}"' in page
    assert ">+3</text>" in page
    every = c.get(url, {"type": "group", "wide": str(top.pk)}).content.decode()
    assert every.count('class="chart-node') == chart.CHILD_CAP + 4


@pytest.mark.django_db
def test_the_svg_download_is_a_file_of_its_own_with_absolute_links(client_for, group):
    c = client_for("viewer")
    response = c.get(reverse("hierarchy-chart-svg", args=[group["nord"].pk]), {"type": "group"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert response["Content-Disposition"].startswith('attachment; filename="organigramm-group-')
    root = ET.fromstring(response.content)
    assert root.tag == f"{SVG}svg"
    hrefs = [a.get("href") for a in root.iter(f"{SVG}a")]
    assert hrefs and all(h.startswith("http://testserver/") for h in hrefs)


@pytest.mark.django_db
def test_a_party_outside_the_hierarchy_gets_no_chart(client_for, org):
    lone = org("Einzel GmbH")
    page = client_for("viewer").get(reverse("hierarchy-chart", args=[lone.pk]), {"type": "group"})
    assert page.status_code == 200
    assert "<svg" not in page.content.decode()


@pytest.mark.django_db
def test_the_chart_takes_the_same_number_of_queries_however_many_members_it_draws(
    client_for, group, org
):
    # Süd is opened and has a child from the start: the opening round is there both times.
    do_create_relationship(
        actor=None, type="group", from_party=org("Enkel"), to_party=group["sued"]
    )
    c = client_for("viewer")
    url = reverse("hierarchy-chart", args=[group["sued"].pk])
    params = {"type": "group", "open": f"{group['sued'].pk}"}
    c.get(url, params)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = c.get(url, params)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    first = count()
    for i in range(8):
        do_create_relationship(
            actor=None, type="group", from_party=org(f"Tochter {i}"), to_party=group["logistik"]
        )
        kid = org(f"Enkel {i}")
        do_create_relationship(actor=None, type="group", from_party=kid, to_party=group["sued"])
        do_record_revenue(actor=None, party=kid, month=f"{dt_today().year}-01", amount="10")
    page = c.get(url, params).content.decode()
    assert page.count('class="chart-node') == 6 + 16
    assert count() == first


@pytest.mark.django_db
def test_the_chart_draws_the_group_as_it_stood_on_a_past_day(client_for, org):
    import datetime as dt

    top, old, new = org("Alt Holding AG"), org("Früher GmbH"), org("Heute GmbH")
    do_create_relationship(
        actor=None, type="group", from_party=old, to_party=top,
        valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2022, 12, 31),
    )  # fmt: skip
    do_create_relationship(
        actor=None, type="group", from_party=new, to_party=top, valid_from=dt.date(2023, 1, 1)
    )
    c = client_for("viewer")
    url = reverse("hierarchy-chart", args=[top.pk])
    then = c.get(url, {"type": "group", "as_of": "2021-06-30"}).content.decode()
    assert f'data-testid="chart-node-{old.pk}"' in then
    assert f'data-testid="chart-node-{new.pk}"' not in then
    today = c.get(url, {"type": "group"}).content.decode()
    assert f'data-testid="chart-node-{new.pk}"' in today
    assert f'data-testid="chart-node-{old.pk}"' not in today
