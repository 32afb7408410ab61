"""Party list, customer file (Kundenakte), party create and edit.

The customer file shows what other apps add to it through ``core.extensions`` (relationships,
hierarchy badges, revenue, screening, activities); this module knows none of them.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from rest_framework.exceptions import APIException

from verbund.core import audit, extensions
from verbund.core.actions import remember_recent_party
from verbund.core.extensions import Badge, FilePart, Section
from verbund.core.forms import apply_errors, id_param
from verbund.core.models import AuditRecord
from verbund.core.paging import bounded_count, first_row, keyset_page, list_count
from verbund.core.permissions import requires
from verbund.core.prepared import Prepared
from verbund.core.views import require_perm
from verbund.parties.actions import do_create_party, do_update_party
from verbund.parties.filters import PartyFilterSet, party_filterset
from verbund.parties.forms import PartyForm
from verbund.parties.models import Party, PartyKind, Tag
from verbund.parties.selectors import LIST_FIELDS, NO_SUCH_PARTY, survivors
from verbund.parties.tables import party_rows
from verbund.parties.widgets import pick_parties

PAGE_SIZE = 50
# How long a filtered list's page may walk the sort index before it sorts its matches instead
# (decision 0045): a walk that finds its 50 rows takes milliseconds.
WALK_BUDGET_S = 0.15
# The list's own filters, the search first (it stays in sight when the others fold away on a
# phone); the ones other apps add (party_filters) follow them.
FILTER_FIELDS = ["q", "kind", "status", "responsible", "tag", "city", "country"]
# This app's filters shown folded with the other apps' ("Weitere Filter").
MORE_FILTER_FIELDS = ["postcode_from", "postcode_to"]
CONTACTS_LIMIT = 50
HISTORY_LIMIT = 30

# What a new contact takes over from the company it works at.
ADDRESS_FIELDS = ("street", "postcode", "city", "country")


@requires("parties.view_party")
def party_list(request: HttpRequest) -> HttpResponse:
    params = request.GET.copy()
    cursor = params.pop("after", [""])[-1]
    first = first_row(cursor, params.pop("seen", [""])[-1])
    sort = params.pop("sort", ["name"])[-1]
    filterset_class = party_filterset()
    filterset = filterset_class(params, queryset=Party.objects.only(*LIST_FIELDS))
    # A refused filter (a search too long) shows its error at the field and no rows.
    valid = filterset.is_valid()
    # The parties the member filters name (group, chain, association), by name in the filter
    # box and in the line above the list; an id that names none is refused as well.
    picked = pick_parties(filterset.form)
    valid = valid and not filterset.form.errors
    rows = filterset.qs if valid else Party.objects.none()
    # Merged records are left out (dropped in Python, see parties.selectors._base) unless the
    # filter asks for exactly them (merged=true, decision 0040): then each names its survivor.
    leave_out = filterset.leaves_out_merged()
    keep = (lambda p: not p.merged_into_id) if leave_out else None
    # "50 von 1.234": a first page with no next holds every row and is counted as it is; else
    # one COUNT over at most 10,001 rows (core.paging.bounded_count), so a million parties
    # read "50 von über 10.000". Merged records are counted out as the page leaves them out.
    counted_rows = rows.filter(merged_into__isnull=True) if leave_out else rows
    counted = None
    if valid and any(v.strip() for k in params for v in params.getlist(k)):
        # A filtered list counts first: a count within the cap lets the page sort its matches
        # instead of walking the name index to them (core.paging.keyset_page's ``few``; at a
        # million parties 1.6 s for the search "xq", 3.4 s for two levels of a big group,
        # decision 0045). It costs the count on a page holding every match, too.
        counted = bounded_count(counted_rows)
    few = counted is not None and not counted[1]
    # A filtered list with more matches than that walks the index for at most WALK_BUDGET_S,
    # then sorts its matches (keyset_page).
    budget = WALK_BUDGET_S if counted is not None and not few else None
    page = keyset_page(rows, sort, cursor, PAGE_SIZE, keep=keep, few=few, walk_budget=budget)
    count = list_count(
        counted_rows,
        len(page.rows),
        complete=not cursor and not page.next_cursor,
        first=first,
        counted=counted,
    )
    base_query = params.urlencode()
    more = more_filter_fields(filterset_class)
    folded = FILTER_FIELDS[1:] + more
    form = filterset.form
    # Every status at once, with no scroll bar inside the box (a select shows four by default).
    form.fields["status"].widget.attrs["size"] = len(form.fields["status"].choices)
    form.fields["q"].widget.attrs["enterkeyhint"] = "search"
    # "Meine Kunden" is the usual choice: the user looking comes first, marked.
    form.fields["responsible"].me = request.user.pk
    return render(
        request,
        "parties/list.html",
        {
            "filter": filterset,
            "filter_fields": FILTER_FIELDS[1:],
            # On a narrow screen all filters but the search fold behind a button, which says
            # how many are in use; they start open when one of them is refused.
            "active_filters": sum(1 for name in folded if any(params.getlist(name))),
            "filters_open": any(name in form.errors for name in folded)
            or bool(filterset.other_errors),
            "more_fields": more,
            # The other apps' filters are folded away and loaded when opened, unless one is in
            # use or refused: they are most of the list's rendering time, and most lists use none.
            "more_open": any(params.get(name) for name in more)
            or any(name in filterset.form.errors for name in more),
            "picked": [
                (p, _without(request.GET, p.name, "after", "seen").urlencode())
                for p in (picked if valid else [])
            ],
            "page": page,
            "count": count,
            "rows": party_rows(page.rows, survivors(page.rows)),
            "base_query": base_query,
            "sort": page.sort,
            "first_page": not cursor,
        },
    )


def _without(query: QueryDict, *names: str) -> QueryDict:
    """The query without these parameters (a filter removed, from the first page)."""
    rest = query.copy()
    for name in names:
        rest.pop(name, None)
    return rest


def more_filter_fields(filterset_class: type[PartyFilterSet]) -> list[str]:
    """The folded filters: a postcode area, then the filters other apps add, in their order."""
    return MORE_FILTER_FIELDS + [
        name for name in filterset_class.extension_filters if name not in FILTER_FIELDS
    ]


@requires("parties.view_party")
def party_more_filters(request: HttpRequest) -> HttpResponse:
    """The list's folded filters, fetched when the user opens them (with any values given)."""
    filterset_class = party_filterset()
    filterset = filterset_class(request.GET, queryset=Party.objects.none())
    pick_parties(filterset.form)
    return render(
        request,
        "parties/more_filters.html",
        {"filter": filterset, "more_fields": more_filter_fields(filterset_class)},
    )


def section_apps() -> list[str]:
    """The apps that add sections to the customer file, in the shared app order."""
    return [
        m.__name__.split(".")[1]
        for m in extensions.modules("sections")
        if hasattr(m, "party_sections")
    ]


def collect_sections(request: HttpRequest, party: Party, app: str | None = None) -> list[Section]:
    sections: list[Section] = []
    for module in extensions.modules("sections"):
        if hasattr(module, "party_sections") and app in (None, module.__name__.split(".")[1]):
            sections.extend(module.party_sections(request, party))
    return sorted(sections, key=lambda s: s.order)


def collect_badges(party: Party) -> list[Badge]:
    badges: list[Badge] = []
    for party_badges in extensions.hooks("sections", "party_badges"):
        badges.extend(party_badges(party))
    return badges


def collect_file_parts(request: HttpRequest, party: Party) -> FilePart:
    """The parts other apps render with the file itself, merged in app order."""
    merged = FilePart()
    for party_file in extensions.hooks("sections", "party_file"):
        part = party_file(request, party)
        merged.badges += part.badges
        merged.actions += part.actions
        merged.sections += part.sections
    return merged


# The file's own queries, compiled once (core/prepared.py): the page opens all day.
_FILE_PARTY = Prepared(
    lambda pk: Party.objects.select_related("organisation", "responsible").filter(pk=pk), pk=int
)
_FILE_CONTACTS = Prepared(
    lambda organisation: Party.objects.filter(
        organisation_id=organisation, merged_into__isnull=True
    ).only(*LIST_FIELDS, "position", "phone", "email", "organisation_id")[:CONTACTS_LIMIT],
    organisation=int,
)
_FILE_TAGS = Prepared(
    lambda party: Tag.objects.filter(parties=party).values_list("name", flat=True), party=int
)
_FILE_HISTORY = Prepared(
    lambda party: AuditRecord.objects.filter(party_id=party).select_related("actor")[
        :HISTORY_LIMIT
    ],
    party=int,
)


def _file_party(party_id: int) -> Party:
    found = _FILE_PARTY(pk=party_id)
    if not found:
        raise Http404(NO_SUCH_PARTY)
    return found[0]


@requires("parties.view_party")
def party_detail(request: HttpRequest, party_id: int) -> HttpResponse:
    party = _file_party(party_id)
    if party.merged_into_id:
        return render(request, "parties/merged.html", {"party": party}, status=200)
    parts = collect_file_parts(request, party)
    badges = parts.badges + collect_badges(party)
    contacts = []
    if party.kind == PartyKind.ORGANISATION:
        contacts = _FILE_CONTACTS(organisation=party.pk)
    # The file's history is the audit trail: for who may read it (core.view_auditrecord).
    history = None
    if request.user.has_perm("core.view_auditrecord"):
        history = _FILE_HISTORY(party=party.pk)
        _describe_history(party, history)
        audit.present_history(history)
        history = _collapse_runs(history)
    remember_recent_party(request.user, party.pk)
    context = {
        "party": party,
        "badges": badges,
        "file_actions": parts.actions,
        "file_sections": parts.sections,
        "contacts": contacts,
        "tags": _FILE_TAGS(party=party.pk),
        "history": history,
        # Other apps' sections (revenue, screening, activities) load by HTMX right after the
        # page: the file shows at once, and a slow section never holds up the rest.
        "section_apps": section_apps(),
        "can_edit": request.user.has_perm("parties.change_party"),
    }
    return render(request, "parties/detail.html", context)


def _collapse_runs(records: list[AuditRecord]) -> list[AuditRecord]:
    """Show a run of the same plain action by the same user once, with its count (e.g. twelve
    monthly revenue figures recorded in one go); changes with field details stay separate."""
    out: list[AuditRecord] = []
    for rec in records:
        prev = out[-1] if out else None
        same = (
            prev is not None
            and prev.action == rec.action
            and prev.actor_id == rec.actor_id
            and not getattr(prev, "detail", "")
            and not getattr(rec, "detail", "")
            and not (rec.before and rec.after)
            and not (prev.before and prev.after)
        )
        if same and prev is not None:
            prev.repeat = getattr(prev, "repeat", 1) + 1  # type: ignore[attr-defined]
        else:
            out.append(rec)
    return out


def _describe_history(party: Party, records: list[AuditRecord]) -> None:
    """Let each app name what its records refer to (e.g. a relationship's type and other party)."""
    for describe_history in extensions.hooks("sections", "describe_history"):
        describe_history(party, records)


def block_warnings(party_id: int) -> list[str]:
    """The warnings other apps want shown on the party's edit form (e.g. a sanctions block)."""
    return [w for hook in extensions.hooks("selectors", "block_warning") if (w := hook(party_id))]


@requires("parties.view_party")
def party_sections(request: HttpRequest, party_id: int, app: str) -> HttpResponse:
    """One app's sections of the customer file (HTMX, loaded after the page)."""
    if app not in section_apps():
        raise Http404(_("No such section."))
    party = _file_party(party_id)
    return render(
        request,
        "parties/sections.html",
        {"party": party, "sections": collect_sections(request, party, app)},
    )


@require_http_methods(["GET", "POST"])
def party_create(request: HttpRequest) -> HttpResponse:
    require_perm(request, "parties.add_party")
    kind = request.GET.get("kind", PartyKind.ORGANISATION)
    organisation_id = request.GET.get("organisation", "")
    employer_id = id_param(organisation_id) if kind == PartyKind.PERSON else None
    employer = (
        Party.objects.filter(pk=employer_id, merged_into__isnull=True).first()
        if employer_id is not None
        else None
    )
    # A contact person at a company starts with the company's address (as a letter reaches them).
    address = {f: getattr(employer, f) for f in ADDRESS_FIELDS} if employer else {}
    form = PartyForm(
        request.POST or None,
        # The company itself, not its id: the form shows it without looking it up again.
        initial={"kind": kind, "organisation": employer, **address},
        me=request.user.pk,
    )
    duplicates: list[dict[str, Any]] = []
    if request.method == "POST" and form.is_valid():
        # Like the API: similar parties stop the save until the user says "create anyway".
        if request.POST.get("confirm_duplicate") != "1":
            duplicates = _duplicates(form.changes())
        if not duplicates:
            try:
                party = do_create_party(
                    actor=request.user, tags=form.tags_given(), **form.changes()
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("%(party)s created.") % {"party": party.display_name})
                return redirect("party-detail", party_id=party.pk)
    title = (
        _("New contact at %(party)s") % {"party": employer.display_name}
        if employer
        else _("New party")
    )
    return render(
        request,
        "parties/form.html",
        {"form": form, "party": None, "title": title, "duplicates": duplicates},
        status=400 if form.errors else (409 if duplicates else 200),
    )


def _duplicates(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The similar parties every app's entry check finds (``verbund.<app>.entry``); []: none."""
    for module in extensions.modules("entry"):
        check = getattr(module, "check_duplicates_or_raise", None)
        if callable(check):
            try:
                check(data, confirmed=False)
            except APIException as exc:
                body = getattr(exc, "body", None) or {}
                return list(body.get("candidates") or [])
    return []


@require_http_methods(["GET", "POST"])
def party_edit(request: HttpRequest, party_id: int) -> HttpResponse:
    require_perm(request, "parties.change_party")
    party = get_object_or_404(Party, pk=party_id)
    form = PartyForm(request.POST or None, instance=party, me=request.user.pk)
    if request.method == "POST" and form.is_valid():
        try:
            do_update_party(
                Party.objects.get(pk=party.pk),
                actor=request.user,
                tags=form.tags_given(),
                **form.changes(),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("party-detail", party_id=party.pk)
    return render(
        request,
        "parties/form.html",
        {
            "form": form,
            "party": party,
            "title": _("Edit %(name)s") % {"name": party.display_name},
            "block_warnings": block_warnings(party.pk),
        },
        status=400 if form.errors else 200,
    )
