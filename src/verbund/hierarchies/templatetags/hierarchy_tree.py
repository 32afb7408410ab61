"""The nodes of the hierarchy view, rendered in Python.

The tree opened from a deep member of a big group shows several hundred nodes (the first level
and the children of every node on the path). Rendered with a recursive ``{% include %}`` per
node that cost about four fifths of the page's server time (decision 0019); built here with
plain string joins the same markup costs a tenth of it. The markup is the one
``node.html`` had; the behaviour (open, close, load children) is in
``static/hierarchies/tree.js``, no inline script.
"""

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()

_ID = 987654321  # stands for the node's id in the URLs reversed once per render


class _Urls:
    """The node URLs of one render: reversed once, filled in per node."""

    def __init__(self, type_key: str, as_of: Any, current_id: int) -> None:
        def pattern(name: str) -> tuple[str, str]:
            head, _sep, tail = reverse(name, args=[_ID]).partition(str(_ID))
            return head, tail

        self.detail = pattern("party-detail")
        self.children = pattern("hierarchy-children")
        self.move = pattern("hierarchy-move")
        query: dict[str, Any] = {"type": type_key}
        if as_of:
            query["as_of"] = as_of.isoformat()
        self.query = escape(urlencode(query))
        self.children_query = escape(urlencode({**query, "current": current_id}))
        self.move_query = escape(urlencode({"type": type_key, "back": "tree"}))

    def of(self, pattern: tuple[str, str], node_id: int) -> str:
        return f"{pattern[0]}{node_id}{pattern[1]}"


def _more_button(parent_id: int, offset: int, skip: str, urls: _Urls, label: str) -> str:
    skip_q = f"&amp;skip={escape(skip)}" if skip else ""
    return (
        f'<li class="more"><button type="button" class="link-button" hx-get="'
        f'{urls.of(urls.children, parent_id)}?{urls.query}&amp;offset={offset}{skip_q}"'
        f' hx-target="closest li" hx-swap="outerHTML">{label}</button></li>'
    )


def render_nodes(nodes: Iterable[dict[str, Any]], context: dict[str, Any]) -> str:
    """The ``<li>`` of each node with its open children, depth first, as one string."""
    urls = _Urls(context["type_key"], context.get("as_of"), int(context.get("current_id") or 0))
    current_id = int(context.get("current_id") or 0)
    can_move = bool(context.get("can_move"))
    words = {
        "collapse": escape(_("Collapse")),
        "expand": escape(_("Expand")),
        "direct": escape(_("Direct children")),
        "move": escape(_("Move…")),
        "move_title": escape(_("Move with subsidiaries…")),
        "more": escape(_("Show more…")),
    }
    out: list[str] = []

    def emit(node: dict[str, Any]) -> None:
        nid = int(node["id"])
        kids = node.get("children")
        count = int(node.get("child_count") or 0)
        classes = ["node"]
        if node.get("requested") or nid == current_id:
            classes.append("current")
        if node.get("on_path"):
            classes.append("on-path")
        if node.get("hit"):
            classes.append("hit")
        is_open = bool(kids)
        out.append(
            f'<li role="treeitem" class="{" ".join(classes)}" id="node-{nid}"'
            f' aria-expanded="{"true" if is_open else "false"}"'
        )
        if count and not kids:
            out.append(f' data-children-url="{urls.of(urls.children, nid)}?{urls.children_query}"')
        out.append('><div class="node-row">')
        if count:
            if is_open:
                out.append(
                    f'<button type="button" class="toggle open" aria-label="{words["collapse"]}"'
                    f' data-tree-toggle data-testid="expand-{nid}">▾</button>'
                )
            else:
                out.append(
                    f'<button type="button" class="toggle" aria-label="{words["expand"]}"'
                    f' data-tree-toggle data-testid="expand-{nid}">▸</button>'
                )
        else:
            out.append('<span class="toggle leaf">·</span>')
        name: str = escape(node.get("name") or "")
        if node.get("hit"):
            name = f"<mark>{name}</mark>"
        out.append(
            f'<span class="num">{escape(node.get("number") or "")}</span>'
            f' <a href="{urls.of(urls.detail, nid)}" class="node-name" data-testid="node-{nid}">'
            f"{name}</a>"
            f' <span class="muted">{escape(node.get("city") or "")}</span>'
        )
        if count:
            out.append(f' <span class="count" title="{words["direct"]}">{count}</span>')
        if can_move and node.get("parent_id") is not None:
            out.append(
                f' <a class="node-move" href="{urls.of(urls.move, nid)}?{urls.move_query}"'
                f' title="{words["move_title"]}" data-testid="move-{nid}">{words["move"]}</a>'
            )
        out.append(f' <span class="annotations" id="ann-{nid}"></span></div>')
        if kids:
            out.append('<ul role="group">')
            for kid in kids:
                emit(kid)
            if node.get("more_offset"):
                out.append(
                    _more_button(
                        nid, int(node["more_offset"]), node.get("skip") or "", urls, words["more"]
                    )
                )
            out.append("</ul>")
        out.append("</li>")

    for node in nodes:
        emit(node)
    return "".join(out)


@register.simple_tag(takes_context=True)
def tree_nodes(context: template.Context, nodes: Any) -> SafeString:
    """``{% tree_nodes nodes %}``: the nodes (a list, or one root) with the page's type,
    date, current party and whether the user may move."""
    flat = {key: context.get(key) for key in ("type_key", "as_of", "current_id", "can_move")}
    items = [nodes] if isinstance(nodes, dict) else list(nodes or [])
    # Every value in the markup is escaped above; the rest is fixed text.
    return mark_safe(render_nodes(items, flat))  # noqa: S308


@register.simple_tag(takes_context=True)
def tree_more_button(
    context: template.Context, parent_id: int, offset: int, skip: str = ""
) -> SafeString:
    """The "show more" entry after a batch of children."""
    urls = _Urls(context.get("type_key") or "group", context.get("as_of"), 0)
    button = _more_button(int(parent_id), int(offset), skip or "", urls, escape(_("Show more…")))
    return mark_safe(button)  # noqa: S308 - escaped in _more_button
