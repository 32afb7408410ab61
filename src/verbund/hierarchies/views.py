"""The hierarchy view: the whole tree from the ultimate parent, lazily expanded.

Only the path to the party and the first levels are rendered; every further level is one
HTMX request for the children of one node. Long child lists come in batches.
"""

import csv
import datetime as dt
import io
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from openpyxl import Workbook

from verbund.core import extensions
from verbund.core.exports import safe_row
from verbund.core.text import fold, koelner_phonetik
from verbund.hierarchies import engine, selectors
from verbund.hierarchies.models import ClosureEntry
from verbund.parties.models import Party
from verbund.web.search import LIST_FIELDS

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
    counts = {n: c for n, c in _child_counts(ids, type_key, as_of).items()}
    items = [(pid, found[pid], counts.get(pid, 0) > 0) for pid in ids if found.get(pid)]
    year = next((a.get("revenue_year") for _pid, a, _c in items if a.get("revenue_year")), None)
    return render(
        request, "web/hierarchy/annotation_list.html", {"items": items, "revenue_year": year}
    )


def _child_counts(ids: list[int], type_key: str, as_of: dt.date | None) -> dict[int, int]:
    """How many children the nodes have today, from their closure self rows (one query, one
    row per node however many children it has); none for past dates."""
    if as_of is not None and as_of != dt.date.today():
        return {}
    rtype = selectors.hierarchy_type(type_key)
    rows = ClosureEntry.objects.filter(type=rtype, descendant_id__in=ids, depth=0).values_list(
        "descendant_id", "child_count"
    )
    return {int(a): int(n) for a, n in rows if n}


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
    matches = _search(root["id"], type_key, as_of, query) if (root is not None and query) else []
    context = {
        "party": party,
        "root": root,
        "memberships": memberships,
        "types": types,
        "type_key": type_key,
        "as_of": as_of,
        "query": query,
        "matches": matches,
        "node_count": len(shown),
        "current_id": party.pk,
        "annotation_ids": _ids_csv(shown),
    }
    return render(request, "web/hierarchy/view.html", context)


def children_page(
    party_id: int, type_key: str, as_of: dt.date | None, offset: int, limit: int
) -> tuple[list[dict[str, Any]], int]:
    """One batch of a node's children by name, and how many there are.

    Today's structure is read from the closure a batch at a time (a central settlement party
    can have thousands of direct members); other dates go through the dated selector.
    """
    if as_of is not None and as_of != engine.today():
        kids = selectors.children(party_id, type_key, as_of)
        return kids[offset : offset + limit], len(kids)
    rtype = selectors.hierarchy_type(type_key)
    engine.ensure_fresh(rtype)
    level = ClosureEntry.objects.filter(type=rtype, ancestor_id=party_id, depth=1)
    total = level.count()
    rows = list(
        Party.objects.filter(pk__in=level.values("descendant_id"))
        .order_by("name", "id")
        .values_list("id", "number", "name", "city")[offset : offset + limit]
    )
    counts = _child_counts([r[0] for r in rows], type_key, None)
    nodes: list[dict[str, Any]] = [
        {
            "id": pid,
            "number": number,
            "name": name,
            "city": city,
            "child_count": counts.get(pid, 0),
            "parent_id": party_id,
            "children": None,
        }
        for pid, number, name, city in rows
    ]
    for n in nodes:
        if not n["child_count"]:
            n["children"] = []
    return nodes, total


def _open_requested(
    root: dict[str, Any], party_id: int, type_key: str, as_of: dt.date | None
) -> None:
    stack = [root]
    while stack:
        node = stack.pop()
        if node["id"] == party_id:
            if node.get("children") is None and node["child_count"]:
                node["children"], node["children_total"] = children_page(
                    party_id, type_key, as_of, 0, BATCH
                )
            return
        stack.extend(node.get("children") or [])


def hierarchy_children(request: HttpRequest, party_id: int) -> HttpResponse:
    """The children of one node (HTMX), in batches of BATCH."""
    type_key = request.GET.get("type", "group")
    as_of = _as_of(request)
    try:
        offset = max(int(request.GET.get("offset", "0")), 0)
    except ValueError:
        offset = 0
    try:
        batch, total = children_page(party_id, type_key, as_of, offset, BATCH)
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
    template = "web/hierarchy/more.html" if offset else "web/hierarchy/children.html"
    return render(request, template, context)


def _search(root_id: int, type_key: str, as_of: dt.date | None, query: str) -> list[Party]:
    words = fold(query).split()
    if not words:
        return []
    text_match = Q()
    for w in words:
        text_match &= Q(search_text__contains=w)
    # Kölner Phonetik forgives "Muller" for "Müller" and similar slips.
    code = koelner_phonetik(query)
    if code:
        text_match |= Q(phonetic__gte=code, phonetic__lt=code + "~")
    qs = Party.objects.only(*LIST_FIELDS).filter(text_match)
    if as_of is None or as_of == dt.date.today():
        rtype = selectors.hierarchy_type(type_key)
        members = ClosureEntry.objects.filter(type=rtype, ancestor_id=root_id).values(
            "descendant_id"
        )
        return list(qs.filter(pk__in=members).order_by("name", "id")[:SEARCH_LIMIT])
    ids = selectors.subtree_ids(root_id, type_key, as_of)
    found: list[Party] = []
    for start in range(0, len(ids), 500):
        found.extend(qs.filter(pk__in=ids[start : start + 500]))
        if len(found) >= SEARCH_LIMIT:
            break
    return sorted(found, key=lambda p: (p.name, p.pk))[:SEARCH_LIMIT]


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
