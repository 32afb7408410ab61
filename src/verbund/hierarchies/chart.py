"""The group as a picture: an org chart drawn on the server as SVG (#17.2, decision 0028).

Top-down from the ultimate parent. What is drawn is what the tree list would show opened:
the first ``levels`` levels, the whole path down to the party (highlighted), and the children
of every node the user opened (``open``). A node whose children are not drawn gets a "+N"
node below it (N direct children) that opens it; a node with more than ``CHILD_CAP`` children
draws the first ones by name (and any on the path) and a "+N" node for the rest, which draws
all of them (``wide``). At most ``MAX_NODES`` nodes are drawn; past that, nodes stay closed.

Layout: a tidy tree in the manner of Reingold and Tilford. Every node has the same size;
each subtree is laid out on its own, then the subtrees of siblings are placed left to right,
each pushed right just far enough that at every depth its left outline keeps one slot's
distance from the right outline of the siblings placed before it; a parent stands centred
over its first and last child. Outlines are lists of x per depth, merged per sibling: for the
few hundred to a thousand nodes drawn that costs O(nodes x depth), a few milliseconds, and
needs no threads (the refinement that makes Reingold-Tilford linear).

Reads: the tree (``selectors.tree``), the children of the opened nodes (``selectors.
children_of``, one round per level of nested opening) and the share of each node's own link
(one query per 900 nodes): never one query per node.
"""

import datetime as dt
import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils import translation
from django.utils.translation import gettext as _

from verbund.core.bulk import chunks
from verbund.core.formatting import format_eur_whole, format_number, format_percent
from verbund.hierarchies import engine, selectors
from verbund.hierarchies.engine import RT

DEFAULT_LEVELS = 2
CHILD_CAP = 40
MAX_NODES = 1500
MAX_OPEN_ROUNDS = 50
# Node size and spacing in SVG user units (pixels at 100 %).
NODE_W, NODE_H = 184, 76
PLUS_H = 30
GAP_X, GAP_Y = 16, 44
MARGIN = 12
NAME_CHARS = 24
LINE_CHARS = 28
# Colours (presentation attributes: no style attribute, nothing the CSP would refuse).
INK, MUTED, LINE, PATH, CURRENT_FILL, BLOCKED = (
    "#1f2933",
    "#52606d",
    "#9aa5b1",
    "#1d5fa8",
    "#fff4c8",
    "#b42318",
)


@dataclass
class ChartNode:
    """A box of the chart: a party (``kind`` "party") or a "+N" box that opens a party's
    children (``kind`` "open", ``id`` the party) or shows all of them (``kind`` "wide")."""

    id: int
    kind: str = "party"
    number: str = ""
    name: str = ""
    city: str = ""
    depth: int = 0
    count: int = 0
    share: Decimal | None = None
    revenue: str = ""
    on_path: bool = False
    current: bool = False
    blocked: bool = False
    children: list["ChartNode"] = field(default_factory=list)
    x: float = 0.0


@dataclass
class Chart:
    root: ChartNode
    nodes: int  # party boxes drawn
    hidden: int  # members behind "+N" boxes (direct children counted)
    width: int = 0
    height: int = 0


def _shares(ids: list[int], type_key: str, as_of: dt.date | None) -> dict[int, Decimal]:
    """The share of each party's own link to its parent on the day (where it has one)."""
    type_id = selectors.hierarchy_type_id(type_key)
    day = as_of or engine.today()
    out: dict[int, Decimal] = {}
    for chunk in chunks(ids, 900):
        marks = ",".join(["%s"] * len(chunk))
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT r.from_party_id, r.share FROM {RT} r WHERE r.type_id = %s"
                f" AND r.from_party_id IN ({marks}) AND r.share IS NOT NULL"
                f" AND {engine.valid_sql('r')}",
                [type_id, *chunk, day, day],
            )
            out.update({int(p): Decimal(str(s)) for p, s in cur.fetchall()})
    return out


def _walk(node: dict[str, Any]) -> Iterable[dict[str, Any]]:
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(n.get("children") or [])


def build(
    party_id: int,
    type_key: str,
    as_of: dt.date | None = None,
    *,
    levels: int = DEFAULT_LEVELS,
    open_ids: Iterable[int] = (),
    wide_ids: Iterable[int] = (),
    annotations: Callable[[list[int]], dict[int, dict[str, Any]]] | None = None,
) -> Chart:
    """The chart of the party's group: nodes chosen, shares and annotations read, laid out.

    ``annotations(ids)`` gives per-node facts (``revenue``, ``blocked``) for the parties drawn.
    Raises ValidationError (naming ``type``, ``as_of`` or ``party``) as ``selectors.tree``."""
    levels = max(0, min(int(levels), engine.MAX_WALK))
    opened = {int(i) for i in open_ids}
    wide = {int(i) for i in wide_ids}
    tree = selectors.tree(party_id, type_key, as_of, depth=levels)
    # Open the asked-for nodes, a level of nesting per round (each round a fixed number of reads).
    for _round in range(MAX_OPEN_ROUNDS):
        pending = [n["id"] for n in _walk(tree) if n["id"] in opened and n.get("children") is None]
        if not pending:
            break
        found = selectors.children_of(pending, type_key, as_of)
        for n in _walk(tree):
            if n["id"] in found and n.get("children") is None:
                n["children"] = found[n["id"]]
                n["child_count"] = len(found[n["id"]])
    root, drawn, hidden = _choose(tree, int(party_id), wide)
    ids = [n.id for n in _party_nodes(root)]
    shares = _shares(ids, type_key, as_of)
    facts = annotations(ids) if annotations else {}
    for box in _party_nodes(root):
        box.share = shares.get(box.id) if box.depth else None
        a = facts.get(box.id) or {}
        revenue = a.get("revenue")
        if revenue not in (None, "", "0.00", 0):
            box.revenue = format_eur_whole(revenue)
        box.blocked = bool(a.get("blocked"))
    chart = Chart(root=root, nodes=drawn, hidden=hidden)
    layout(chart)
    return chart


def _choose(tree: dict[str, Any], party_id: int, wide: set[int]) -> tuple[ChartNode, int, int]:
    """The boxes to draw, breadth first (so that the cap cuts the deepest levels first)."""

    def box(n: dict[str, Any], depth: int) -> ChartNode:
        return ChartNode(
            id=int(n["id"]),
            number=n.get("number") or "",
            name=n.get("name") or "",
            city=n.get("city") or "",
            depth=depth,
            count=int(n.get("child_count") or 0),
            on_path=bool(n.get("on_path")),
            current=int(n["id"]) == party_id,
        )

    root = box(tree, 0)
    drawn, hidden = 1, 0
    queue: list[tuple[dict[str, Any], ChartNode]] = [(tree, root)]
    while queue:
        nxt: list[tuple[dict[str, Any], ChartNode]] = []
        for data, node in queue:
            kids = data.get("children")
            if kids is None or (kids and drawn >= MAX_NODES):
                if node.count:
                    node.children.append(
                        ChartNode(id=node.id, kind="open", depth=node.depth + 1, count=node.count)
                    )
                    hidden += node.count
                continue
            shown = kids
            if len(kids) > CHILD_CAP and node.id not in wide:
                first = kids[:CHILD_CAP]
                shown = first + [k for k in kids[CHILD_CAP:] if k.get("on_path")]
            room = max(MAX_NODES - drawn, 1)
            shown = shown[:room] + [k for k in shown[room:] if k.get("on_path")]
            for k in shown:
                child = box(k, node.depth + 1)
                node.children.append(child)
                nxt.append((k, child))
                drawn += 1
            rest = len(kids) - len(shown)
            if rest > 0:
                node.children.append(
                    ChartNode(id=node.id, kind="wide", depth=node.depth + 1, count=rest)
                )
                hidden += rest
        queue = nxt
    return root, drawn, hidden


def _party_nodes(root: ChartNode) -> Iterable[ChartNode]:
    stack = [root]
    while stack:
        n = stack.pop()
        if n.kind == "party":
            yield n
        stack.extend(n.children)


# --- layout -------------------------------------------------------------------------------


def _place(node: ChartNode, rel: dict[int, float]) -> tuple[list[float], list[float]]:
    """Lay out the subtree of ``node`` with ``node`` at x = 0 (in slots); its left and right
    outline per depth below it (index 0 = the node itself). ``rel`` gets each child's offset
    from its parent (keyed by ``id(child)``)."""
    if not node.children:
        return [0.0], [0.0]
    left: list[float] = []
    right: list[float] = []
    offsets: list[float] = []
    for kid in node.children:
        kl, kr = _place(kid, rel)
        if not offsets:
            off = 0.0
        else:
            # Just far enough right that at every shared depth the kid clears what stands left.
            off = max(right[i] - kl[i] + 1.0 for i in range(min(len(right), len(kl))))
        offsets.append(off)
        right = [r + off for r in kr] + right[len(kr) :]
        left = left + [v + off for v in kl[len(left) :]]
    centre = (offsets[0] + offsets[-1]) / 2
    for kid, off in zip(node.children, offsets, strict=True):
        rel[id(kid)] = off - centre
    return [0.0, *(v - centre for v in left)], [0.0, *(v - centre for v in right)]


def layout(chart: Chart) -> None:
    """Set ``x`` (in slots, the leftmost box at 0) on every box, and the chart's size."""
    import sys

    rel: dict[int, float] = {}
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, engine.MAX_WALK * 4 + 100))
    try:
        _place(chart.root, rel)
    finally:
        sys.setrecursionlimit(limit)
    lowest, widest, deepest = 0.0, 0.0, 0
    stack: list[tuple[ChartNode, float]] = [(chart.root, 0.0)]
    boxes: list[ChartNode] = []
    while stack:
        node, x = stack.pop()
        node.x = x
        boxes.append(node)
        lowest = min(lowest, x)
        deepest = max(deepest, node.depth)
        stack.extend((k, x + rel[id(k)]) for k in node.children)
    for node in boxes:
        node.x -= lowest
        widest = max(widest, node.x)
    chart.width = int(2 * MARGIN + widest * (NODE_W + GAP_X) + NODE_W)
    chart.height = int(2 * MARGIN + deepest * (NODE_H + GAP_Y) + NODE_H)


# --- drawing ------------------------------------------------------------------------------


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


_LABELS: dict[tuple[str, Decimal], str] = {}


def share_label(share: Decimal | None) -> str:
    """A box's share as every page writes a percentage (``core.formatting.format_percent``), at
    most two decimals: "60 %", "25,5 %", "33,33 %" in German, "25.5%" in English. Remembered
    per language and value: Django's number formatting took a quarter of a 500-box chart."""
    if share is None:
        return ""
    key = (translation.get_language() or "", share)
    if key not in _LABELS:
        if len(_LABELS) > 10_000:
            _LABELS.clear()
        _LABELS[key] = format_percent(share, at_most=2)
    return _LABELS[key]


def _xy(node: ChartNode) -> tuple[float, float]:
    return MARGIN + node.x * (NODE_W + GAP_X), MARGIN + node.depth * (NODE_H + GAP_Y)


def _a(value: Any) -> str:
    """Text or attribute value escaped (the standard library's: Django's escape costs four
    times as much per call, and a big chart makes thousands)."""
    return html.escape(str(value), quote=True)


def render_svg(
    chart: Chart,
    *,
    party_url: Callable[[int], str],
    open_url: Callable[[ChartNode], str],
    title: str,
    revenue_year: int | None = None,
) -> str:
    """The chart as one ``<svg>`` element (standalone-valid: namespaces, sizes, no CSS).

    Every party box is a link to its file (``party_url``) with the full name, number and
    city in its ``<title>``; "+N" boxes link to ``open_url``."""
    words = {
        "open": _("Show %(count)s subsidiaries"),
        "wide": _("Show %(count)s more"),
        "share": _("Share"),
        "revenue": _("Revenue %(year)s") % {"year": revenue_year or engine.today().year},
    }
    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
        f' width="{chart.width}" height="{chart.height}" viewBox="0 0 {chart.width} {chart.height}"'
        f' role="img" aria-label="{_a(title)}" font-family="Helvetica, Arial, sans-serif"'
        f' class="org-chart" data-testid="org-chart">',
        f"<title>{_a(title)}</title>",
        f'<rect x="0" y="0" width="{chart.width}" height="{chart.height}" fill="#ffffff"/>',
    ]
    edges: list[str] = []
    boxes: list[str] = []
    stack = [chart.root]
    while stack:
        node = stack.pop()
        x, y = _xy(node)
        for kid in node.children:
            kx, ky = _xy(kid)
            mid = y + NODE_H + GAP_Y / 2
            on_path = node.on_path and kid.kind == "party" and kid.on_path
            colour, width = (PATH, 2.5) if on_path else (LINE, 1)
            edges.append(
                f'<path d="M{x + NODE_W / 2:.1f},{y + NODE_H:.1f} V{mid:.1f}'
                f' H{kx + NODE_W / 2:.1f} V{ky:.1f}" fill="none" stroke="{colour}"'
                f' stroke-width="{width}"/>'
            )
            stack.append(kid)
        boxes.append(_box(node, x, y, party_url, open_url, words))
    # Lines first, so that boxes cover their ends; the path's lines drawn last of the lines.
    out.extend(sorted(edges, key=lambda e: PATH in e))
    out.extend(boxes)
    out.append("</svg>")
    return "".join(out)


def _box(
    node: ChartNode,
    x: float,
    y: float,
    party_url: Callable[[int], str],
    open_url: Callable[[ChartNode], str],
    words: dict[str, str],
) -> str:
    if node.kind != "party":
        label = (words["open"] if node.kind == "open" else words["wide"]) % {
            "count": format_number(node.count)
        }
        href = _a(open_url(node))
        top = y + (NODE_H - PLUS_H) / 2 if node.kind == "wide" else y
        return (
            f'<a href="{href}" xlink:href="{href}" class="chart-more"'
            f' data-testid="chart-{node.kind}-{node.id}"><title>{_a(label)}</title>'
            f'<rect x="{x:.1f}" y="{top:.1f}" width="{NODE_W}" height="{PLUS_H}" rx="15"'
            f' fill="#eef2f6" stroke="{LINE}" stroke-dasharray="4 3"/>'
            f'<text x="{x + NODE_W / 2:.1f}" y="{top + 19:.1f}" text-anchor="middle"'
            f' font-size="13" font-weight="bold" fill="{PATH}">+{_a(format_number(node.count))}'
            f"</text></a>"
        )
    href = _a(party_url(node.id))
    fill, stroke, width = "#ffffff", LINE, 1.0
    if node.on_path:
        stroke, width = PATH, 2.0
    if node.current:
        fill, stroke, width = CURRENT_FILL, PATH, 3.0
    if node.blocked:
        stroke = BLOCKED
    tip = " · ".join(
        p
        for p in (
            node.name,
            node.number,
            node.city,
            f"{words['share']} {share_label(node.share)}" if node.share is not None else "",
            f"{words['revenue']}: {node.revenue}" if node.revenue else "",
        )
        if p
    )
    parts = [
        f'<a href="{href}" xlink:href="{href}" class="chart-node{" current" if node.current else ""}'
        f'{" on-path" if node.on_path else ""}" id="chart-node-{node.id}"'
        f' data-testid="chart-node-{node.id}"><title>{_a(tip)}</title>',
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{NODE_W}" height="{NODE_H}" rx="6" fill="{fill}"'
        f' stroke="{stroke}" stroke-width="{width}"/>',
        f'<text x="{x + 8:.1f}" y="{y + 16:.1f}" font-size="11" fill="{MUTED}">'
        f"{_a(_cut(node.number, 16))}</text>",
    ]
    if node.share is not None:
        parts.append(
            f'<text x="{x + NODE_W - 8:.1f}" y="{y + 16:.1f}" font-size="11" text-anchor="end"'
            f' fill="{PATH}" font-weight="bold">{_a(share_label(node.share))}</text>'
        )
    parts.append(
        f'<text x="{x + 8:.1f}" y="{y + 34:.1f}" font-size="13" font-weight="bold" fill="{INK}">'
        f"{_a(_cut(node.name, NAME_CHARS))}</text>"
    )
    if node.city:
        parts.append(
            f'<text x="{x + 8:.1f}" y="{y + 51:.1f}" font-size="11" fill="{MUTED}">'
            f"{_a(_cut(node.city, LINE_CHARS))}</text>"
        )
    if node.revenue:
        parts.append(
            f'<text x="{x + 8:.1f}" y="{y + 68:.1f}" font-size="11" fill="{INK}">'
            f"{_a(_cut(words['revenue'] + ': ' + node.revenue, LINE_CHARS))}</text>"
        )
    parts.append("</a>")
    return "".join(parts)
