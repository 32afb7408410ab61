"""The hierarchy view: the whole tree from the ultimate parent, lazily expanded. Every read
goes through ``hierarchies.selectors``.

Only the path to the party and the first levels are rendered; every further level is one
HTMX request for the children of one node. Long child lists come in batches.
"""

import datetime as dt
import itertools
from typing import Any

from django.core.exceptions import ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from verbund.core.exports import XLSX_TYPE, csv_pieces, xlsx_file
from verbund.core.forms import id_param
from verbund.core.permissions import requires
from verbund.core.security import search_problem
from verbund.hierarchies import browse, selectors, subscriptions
from verbund.hierarchies.facts import node_annotations
from verbund.hierarchies.forms import AsOfForm
from verbund.hierarchies.move_views import MOVE_PERMISSIONS
from verbund.parties.models import Party
from verbund.parties.selectors import NO_SUCH_PARTY, listed_party

BATCH = 100
SEARCH_LIMIT = 50
# "Expand all" and "expand to level N" open at most this many nodes at once; deeper levels of a
# bigger tree stay a click away (a 100,000-member group would be megabytes of markup).
LEVEL_LIMIT = 2000
# The level choice offers at most this many levels (the trees the rules allow are rarely deeper).
MAX_LEVEL_CHOICE = 20


def _as_of(request: HttpRequest) -> dt.date | None:
    """The Stichtag of a fragment or an export (``as_of_typed``'s date; none when it is none)."""
    return as_of_typed(request)[0]


def as_of_typed(request: HttpRequest) -> tuple[dt.date | None, str]:
    """The date a page shows the structure on, and what is wrong with the one typed ("" when
    nothing): a date that is none is said, never taken as today's structure unsaid."""
    form = AsOfForm(request.GET)
    if form.is_valid():
        return form.cleaned_data["as_of"], ""
    return None, " ".join(str(m) for m in form.errors.get("as_of", []))


MAX_ANNOTATED = 1000


def _ids_csv(nodes: list[dict[str, Any]]) -> str:
    return ",".join(str(n["id"]) for n in nodes[:MAX_ANNOTATED])


@requires("parties.view_party")
def hierarchy_annotations(request: HttpRequest) -> HttpResponse:
    """Annotations of the rendered nodes, as out-of-band swaps (HTMX, loaded after the tree:
    a slow roll-up never holds up the tree itself)."""
    type_key = request.GET.get("type", "group")
    as_of = _as_of(request)
    ids = [i for i in map(id_param, request.GET.get("ids", "").split(",")) if i is not None][
        :MAX_ANNOTATED
    ]
    try:
        selectors.hierarchy_type(type_key)
    except ValidationError as exc:
        raise Http404(str(exc)) from None
    found = node_annotations(ids, type_key, as_of, request.user)
    counts = browse.child_counts(ids, type_key, as_of)
    items = [(pid, found[pid], counts.get(pid, 0) > 0) for pid in ids if found.get(pid)]
    year = next((a.get("revenue_year") for _pid, a, _c in items if a.get("revenue_year")), None)
    return render(
        request, "hierarchies/annotation_list.html", {"items": items, "revenue_year": year}
    )


def _visible(node: dict[str, Any], out: list[dict[str, Any]]) -> None:
    """Cut long child lists to one batch (keeping the nodes on the path to the party and to
    the search hits) and collect the nodes shown."""
    out.append(node)
    kids = node.get("children")
    if kids:
        total = int(node.get("children_total") or len(kids))
        shown = kids[:BATCH]
        kept = [k for k in kids[BATCH:] if k.get("on_path") or k.get("hit_path") or k.get("hit")]
        node["children"] = shown + kept
        node["more_offset"] = BATCH if total > BATCH else 0
        # The nodes kept are shown already; "show more" must not list them twice.
        node["skip"] = ",".join(str(k["id"]) for k in kept)
        for k in node["children"]:
            _visible(k, out)


def _levels(request: HttpRequest) -> int | None:
    """``levels``: open the tree to this level (``all``: every level); None when not asked."""
    raw = request.GET.get("levels", "").strip()
    if raw == "all":
        return selectors.MAX_WALK
    levels = id_param(raw)
    return min(levels, selectors.MAX_WALK) if levels is not None else None


def _default_type(party_id: int, memberships: list[dict[str, Any]]) -> str:
    """The tab a party opens on without ``type``: its first hierarchy on the date; else the
    type of its latest hierarchy link (a chain branch whose link starts next month opens on
    its chain, not on an empty group tab); else the group."""
    if memberships:
        return str(memberships[0]["type_key"])
    return browse.latest_hierarchy_key(party_id) or "group"


@requires("parties.view_party")
def hierarchy_view(request: HttpRequest, party_id: int) -> HttpResponse:
    party = listed_party(party_id)
    if party is None:
        raise Http404(NO_SUCH_PARTY)
    as_of, as_of_problem = as_of_typed(request)
    memberships = browse.party_hierarchies_on(party.pk, as_of)
    types = selectors.hierarchy_types()
    type_key = request.GET.get("type") or _default_type(party.pk, memberships)
    if type_key not in {t["key"] for t in types}:
        raise Http404(_("No such hierarchy type."))
    member = next((m for m in memberships if m["type_key"] == type_key), None)
    query = request.GET.get("q", "").strip()
    problem = search_problem(query)
    levels = _levels(request)
    root_id = member["root_id"] if member else None
    matches = (
        browse.search_tree(root_id, type_key, as_of, query, limit=SEARCH_LIMIT)
        if (root_id is not None and query and not problem)
        else []
    )
    depth, deepest = 1, None
    if levels is not None and root_id is not None:
        deepest = browse.deepest_level(root_id, type_key)
        depth = browse.levels_that_fit(root_id, type_key, min(levels, deepest), LEVEL_LIMIT)
    try:
        root = selectors.tree(
            party.pk, type_key, as_of, depth=depth, open_to=[m.pk for m in matches]
        )
    except ValidationError:
        root = None
    shown: list[dict[str, Any]] = []
    if root is not None:
        # The party's own first level is open too, so its subsidiaries are one click away.
        _open_requested(root, party.pk, type_key, as_of)
        _visible(root, shown)
    context = {
        "party": party,
        "root": root,
        "memberships": memberships,
        "types": types,
        "type_key": type_key,
        "as_of": as_of,
        "as_of_problem": as_of_problem,
        "query": query,
        "search_problem": problem,
        "matches": matches,
        "levels": levels,
        "depth": depth,
        "deepest": deepest,
        "level_choices": range(1, min(deepest or MAX_LEVEL_CHOICE, MAX_LEVEL_CHOICE) + 1),
        "level_limit": LEVEL_LIMIT,
        "cut": levels is not None and deepest is not None and depth < min(levels, deepest),
        "node_count": len(shown),
        "current_id": party.pk,
        "can_move": request.user.has_perms(MOVE_PERMISSIONS),
        "annotation_ids": _ids_csv(shown),
        "group_type": type_key,
        "subscribed": type_key in subscriptions.subscribed_types(request.user, party.pk),
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
                node["children"], node["children_total"] = browse.children_page(
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
        batch, total = browse.children_page(party_id, type_key, as_of, offset, BATCH)
    except ValidationError as exc:
        raise Http404(str(exc)) from None
    more = offset + BATCH if total > offset + BATCH else 0
    skip = request.GET.get("skip", "")
    skipped = {i for i in map(id_param, skip.split(",")) if i is not None}
    batch = [n for n in batch if n["id"] not in skipped]
    context = {
        "nodes": batch,
        "more_offset": more,
        "parent_id": party_id,
        "type_key": type_key,
        "as_of": as_of,
        "current_id": id_param(request.GET.get("current")) or 0,
        "can_move": request.user.has_perms(MOVE_PERMISSIONS),
        "annotation_ids": _ids_csv(batch),
        "skip": ",".join(str(x) for x in sorted(skipped)),
    }
    template = "hierarchies/more.html" if offset else "hierarchies/children.html"
    return render(request, template, context)


# --- export -------------------------------------------------------------------------------


@requires("parties.view_party")
def hierarchy_export(request: HttpRequest, party_id: int, fmt: str) -> HttpResponseBase:
    """The whole tree as CSV or Excel, in the order of the view. Streamed: the CSV as it is
    written, the workbook from a temporary file; neither is held in memory whole."""
    if fmt not in ("csv", "xlsx"):
        raise Http404(_("Unknown export format."))
    party = get_object_or_404(Party.objects.only("id", "number"), pk=party_id)
    type_key = request.GET.get("type", "group")
    as_of = _as_of(request)
    try:
        selectors.hierarchy_type(type_key)
        rows = browse.export_rows(party.pk, type_key, as_of)
        first = next(rows, None)
    except ValidationError as exc:
        raise Http404(str(exc)) from None
    everything = itertools.chain([first] if first else [], rows)
    header = [_("Level"), _("Number"), _("Name"), _("City"), _("Children"), _("Parent number")]
    stem = f"hierarchy-{type_key}-{party.number}-{(as_of or dt.date.today()).isoformat()}"
    response: HttpResponseBase
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_pieces(header, everything), content_type="text/csv; charset=utf-8"
        )
    else:
        response = FileResponse(xlsx_file(type_key, header, everything), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response
