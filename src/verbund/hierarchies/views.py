"""The hierarchy view: the whole tree from the ultimate parent, lazily expanded. Every read
goes through ``hierarchies.selectors``.

Only the path to the party and the first levels are rendered; every further level is one
HTMX request for the children of one node. Long child lists come in batches.
"""

import csv
import datetime as dt
import io
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from openpyxl import Workbook

from verbund.core import extensions
from verbund.core.exports import safe_row
from verbund.core.permissions import requires
from verbund.core.security import search_problem
from verbund.hierarchies import selectors
from verbund.parties.models import Party
from verbund.parties.selectors import LIST_FIELDS

BATCH = 100
SEARCH_LIMIT = 50


def _as_of(request: HttpRequest) -> dt.date | None:
    raw = request.GET.get("as_of", "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return None


MAX_ANNOTATED = 1000


def _ids_csv(nodes: list[dict[str, Any]]) -> str:
    return ",".join(str(n["id"]) for n in nodes[:MAX_ANNOTATED])


def node_annotations(
    ids: list[int], type_key: str, as_of: dt.date | None
) -> dict[int, dict[str, Any]]:
    """Per-node facts from other apps (revenue, blocked, ...), merged by node id."""
    merged: dict[int, dict[str, Any]] = {}
    if not ids:
        return merged
    for module in extensions.modules("annotations"):
        if hasattr(module, "node_annotations"):
            for pid, values in (module.node_annotations(ids, type_key, as_of) or {}).items():
                merged.setdefault(int(pid), {}).update(values)
    return merged


@requires("parties.view_party")
def hierarchy_annotations(request: HttpRequest) -> HttpResponse:
    """Annotations of the rendered nodes, as out-of-band swaps (HTMX, loaded after the tree:
    a slow roll-up never holds up the tree itself)."""
    type_key = request.GET.get("type", "group")
    as_of = _as_of(request)
    ids = [int(x) for x in request.GET.get("ids", "").split(",") if x.strip().isdigit()][
        :MAX_ANNOTATED
    ]
    try:
        selectors.hierarchy_type(type_key)
    except ValidationError as exc:
        raise Http404(str(exc)) from None
    found = node_annotations(ids, type_key, as_of)
    counts = selectors.child_counts(ids, type_key, as_of)
    items = [(pid, found[pid], counts.get(pid, 0) > 0) for pid in ids if found.get(pid)]
    year = next((a.get("revenue_year") for _pid, a, _c in items if a.get("revenue_year")), None)
    return render(
        request, "hierarchies/annotation_list.html", {"items": items, "revenue_year": year}
    )


def _visible(node: dict[str, Any], out: list[dict[str, Any]]) -> None:
    """Cut long child lists to one batch (keeping the node on the path) and collect the nodes shown."""
    out.append(node)
    kids = node.get("children")
    if kids:
        total = int(node.get("children_total") or len(kids))
        shown = kids[:BATCH]
        path_kids = [k for k in kids[BATCH:] if k.get("on_path")]
        node["children"] = shown + path_kids
        node["more_offset"] = BATCH if total > BATCH else 0
        # The node on the path is shown already; "show more" must not list it twice.
        node["skip"] = ",".join(str(k["id"]) for k in path_kids)
        for k in node["children"]:
            _visible(k, out)


@requires("parties.view_party")
def hierarchy_view(request: HttpRequest, party_id: int) -> HttpResponse:
    party = get_object_or_404(Party.objects.only(*LIST_FIELDS), pk=party_id)
    memberships = selectors.party_hierarchies(party.pk)
    types = selectors.hierarchy_types()
    type_key = request.GET.get("type") or (memberships[0]["type_key"] if memberships else "group")
    if type_key not in {t["key"] for t in types}:
        raise Http404(_("No such hierarchy type."))
    as_of = _as_of(request)
    try:
        root = selectors.tree(party.pk, type_key, as_of, depth=1)
    except ValidationError:
        root = None
    shown: list[dict[str, Any]] = []
    if root is not None:
        # The party's own first level is open too, so its subsidiaries are one click away.
        _open_requested(root, party.pk, type_key, as_of)
        _visible(root, shown)
    query = request.GET.get("q", "").strip()
    problem = search_problem(query)
    matches = (
        selectors.search_tree(root["id"], type_key, as_of, query, limit=SEARCH_LIMIT)
        if (root is not None and query and not problem)
        else []
    )
    context = {
        "party": party,
        "root": root,
        "memberships": memberships,
        "types": types,
        "type_key": type_key,
        "as_of": as_of,
        "query": query,
        "search_problem": problem,
        "matches": matches,
        "node_count": len(shown),
        "current_id": party.pk,
        "annotation_ids": _ids_csv(shown),
    }
    return render(request, "hierarchies/view.html", context)


def _open_requested(
    root: dict[str, Any], party_id: int, type_key: str, as_of: dt.date | None
) -> None:
    stack = [root]
    while stack:
        node = stack.pop()
        if node["id"] == party_id:
            if node.get("children") is None and node["child_count"]:
                node["children"], node["children_total"] = selectors.children_page(
                    party_id, type_key, as_of, 0, BATCH
                )
            return
        stack.extend(node.get("children") or [])


@requires("parties.view_party")
def hierarchy_children(request: HttpRequest, party_id: int) -> HttpResponse:
    """The children of one node (HTMX), in batches of BATCH."""
    type_key = request.GET.get("type", "group")
    as_of = _as_of(request)
    try:
        offset = max(int(request.GET.get("offset", "0")), 0)
    except ValueError:
        offset = 0
    try:
        batch, total = selectors.children_page(party_id, type_key, as_of, offset, BATCH)
    except ValidationError as exc:
        raise Http404(str(exc)) from None
    more = offset + BATCH if total > offset + BATCH else 0
    skip = request.GET.get("skip", "")
    skipped = {int(x) for x in skip.split(",") if x.strip().isdigit()}
    batch = [n for n in batch if n["id"] not in skipped]
    context = {
        "nodes": batch,
        "more_offset": more,
        "parent_id": party_id,
        "type_key": type_key,
        "as_of": as_of,
        "current_id": int(request.GET.get("current", "0") or 0),
        "annotation_ids": _ids_csv(batch),
        "skip": ",".join(str(x) for x in sorted(skipped)),
    }
    template = "hierarchies/more.html" if offset else "hierarchies/children.html"
    return render(request, template, context)


# --- export -------------------------------------------------------------------------------


def _export_rows(party_id: int, type_key: str, as_of: dt.date | None) -> list[list[Any]]:
    root = selectors.tree(
        party_id,
        type_key,
        as_of,
        depth=selectors.MAX_WALK,
    )
    nodes = selectors.flatten(root)
    numbers = {n["id"]: n["number"] for n in nodes}
    header = [_("Level"), _("Number"), _("Name"), _("City"), _("Children"), _("Parent number")]
    rows: list[list[Any]] = [header]
    for n in nodes:
        rows.append(
            safe_row(
                [
                    n["depth"],
                    n["number"],
                    n["name"],
                    n["city"],
                    n["child_count"],
                    numbers.get(n["parent_id"], ""),
                ]
            )
        )
    return rows


@requires("parties.view_party")
def hierarchy_export(request: HttpRequest, party_id: int, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404(_("Unknown export format."))
    party = get_object_or_404(Party.objects.only("id", "number"), pk=party_id)
    type_key = request.GET.get("type", "group")
    as_of = _as_of(request)
    try:
        rows = _export_rows(party.pk, type_key, as_of)
    except ValidationError as exc:
        raise Http404(str(exc)) from None
    stem = f"hierarchy-{type_key}-{party.number}-{(as_of or dt.date.today()).isoformat()}"
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter=";")
        writer.writerows(rows)
        response = HttpResponse("\ufeff" + buf.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(title=type_key[:31])
        for row in rows:
            ws.append(row)
        out = io.BytesIO()
        wb.save(out)
        response = HttpResponse(
            out.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response
