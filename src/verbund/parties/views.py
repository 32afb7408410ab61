"""Party list, customer file (Kundenakte), party create and edit."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from verbund.compliance.selectors import block_warning
from verbund.core import extensions
from verbund.core.actions import remember_recent_party
from verbund.core.extensions import Badge, Section
from verbund.core.models import AuditRecord
from verbund.parties.actions import do_create_party, do_update_party
from verbund.parties.filters import PartyFilterSet
from verbund.parties.models import Party, PartyKind
from verbund.relationships.models import RelationshipType
from verbund.web import file_relationships, hierarchy_info
from verbund.web.forms import PartyForm, apply_errors
from verbund.web.paging import keyset_page
from verbund.web.search import LIST_FIELDS
from verbund.web.views.common import require_perm

PAGE_SIZE = 50
FILTER_FIELDS = ["q", "kind", "status", "city", "country", "relationship_type", "group"]
CONTACTS_LIMIT = 50
HISTORY_LIMIT = 30


def party_list(request: HttpRequest) -> HttpResponse:
    params = request.GET.copy()
    cursor = params.pop("after", [""])[-1]
    sort = params.pop("sort", ["name"])[-1]
    filterset = PartyFilterSet(params, queryset=Party.objects.only(*LIST_FIELDS))
    page = keyset_page(filterset.qs, sort, cursor, PAGE_SIZE, keep=lambda p: not p.merged_into_id)
    base_query = params.urlencode()
    return render(
        request,
        "web/parties/list.html",
        {
            "filter": filterset,
            "filter_fields": FILTER_FIELDS,
            "page": page,
            "base_query": base_query,
            "sort": page.sort,
            "first_page": not cursor,
        },
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
    for module in extensions.modules("sections"):
        if hasattr(module, "party_badges"):
            badges.extend(module.party_badges(party))
    return badges


def party_detail(request: HttpRequest, party_id: int) -> HttpResponse:
    party = get_object_or_404(
        Party.objects.select_related("organisation", "merged_into", "responsible"), pk=party_id
    )
    if party.merged_into_id:
        return render(request, "web/parties/merged.html", {"party": party}, status=200)
    relationship_groups, hierarchies = file_relationships.load(party.pk)
    badges = hierarchy_info.badges(hierarchies) + collect_badges(party)
    contacts = []
    if party.kind == PartyKind.ORGANISATION:
        contacts = list(
            Party.objects.filter(organisation=party, merged_into__isnull=True).only(
                *LIST_FIELDS, "position", "phone", "email", "organisation_id"
            )[:CONTACTS_LIMIT]
        )
    history = list(
        AuditRecord.objects.filter(party_id=party.pk).select_related("actor")[:HISTORY_LIMIT]
    )
    _describe_history(party, history)
    history = _collapse_runs(history)
    remember_recent_party(request.user, party.pk)
    context = {
        "party": party,
        "badges": badges,
        "hierarchies": hierarchies,
        "contacts": contacts,
        "relationship_groups": relationship_groups,
        "history": history,
        # Other apps' sections (revenue, screening, activities) load by HTMX right after the
        # page: the file shows at once, and a slow section never holds up the rest.
        "section_apps": section_apps(),
        "can_edit": request.user.has_perm("parties.change_party"),
        "can_relate": request.user.has_perm("relationships.add_relationship"),
        "can_end": request.user.has_perm("relationships.change_relationship"),
    }
    return render(request, "web/parties/detail.html", context)


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
    """Name the other party and the type of relationship records (two queries for all of them)."""
    wanted: dict[int, tuple[int, int]] = {}
    for rec in records:
        data = rec.after or rec.before or {}
        if rec.object_type == "relationships.relationship" and "type_id" in data:
            other = (
                data.get("to_party_id")
                if data.get("from_party_id") == party.pk
                else data.get("from_party_id")
            )
            if isinstance(other, int):
                wanted[rec.pk] = (int(data["type_id"]), other)
        elif rec.object_type == "activities.activity":
            rec.detail = data.get("subject", "")  # type: ignore[attr-defined]
    if not wanted:
        return
    types = RelationshipType.objects.in_bulk({t for t, _o in wanted.values()})
    others = Party.objects.only(*LIST_FIELDS).in_bulk({o for _t, o in wanted.values()})
    for rec in records:
        if rec.pk in wanted:
            type_id, other_id = wanted[rec.pk]
            rec.detail = types[type_id].name if type_id in types else ""  # type: ignore[attr-defined]
            rec.other = others.get(other_id)  # type: ignore[attr-defined]


def party_sections(request: HttpRequest, party_id: int, app: str) -> HttpResponse:
    """One app's sections of the customer file (HTMX, loaded after the page)."""
    if app not in section_apps():
        raise Http404(_("No such section."))
    party = get_object_or_404(
        Party.objects.select_related("organisation", "merged_into"), pk=party_id
    )
    return render(
        request,
        "web/parties/sections.html",
        {"party": party, "sections": collect_sections(request, party, app)},
    )


def party_relationship_list(request: HttpRequest, party_id: int, type_key: str) -> HttpResponse:
    """All relationships of one type of a party, 100 per page (the file shows the first few)."""
    party = get_object_or_404(Party.objects.only(*LIST_FIELDS), pk=party_id)
    try:
        page = max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        page = 1
    try:
        rtype, entries, more = file_relationships.full_list(party.pk, type_key, page)
    except RelationshipType.DoesNotExist:
        raise Http404(_("No such relationship type.")) from None
    context = {
        "party": party,
        "rtype": rtype,
        "entries": entries,
        "page": page,
        "more": more,
        "can_end": request.user.has_perm("relationships.change_relationship"),
    }
    return render(request, "web/parties/relationship_list.html", context)


@require_http_methods(["GET", "POST"])
def party_create(request: HttpRequest) -> HttpResponse:
    require_perm(request, "parties.add_party")
    form = PartyForm(
        request.POST or None,
        initial={
            "kind": request.GET.get("kind", PartyKind.ORGANISATION),
            "organisation": request.GET.get("organisation") or None,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            party = do_create_party(actor=request.user, **form.changes())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("party-detail", party_id=party.pk)
    return render(
        request,
        "web/parties/form.html",
        {"form": form, "party": None, "title": _("New party")},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def party_edit(request: HttpRequest, party_id: int) -> HttpResponse:
    require_perm(request, "parties.change_party")
    party = get_object_or_404(Party, pk=party_id)
    form = PartyForm(request.POST or None, instance=party)
    if request.method == "POST" and form.is_valid():
        try:
            do_update_party(Party.objects.get(pk=party.pk), actor=request.user, **form.changes())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("party-detail", party_id=party.pk)
    return render(
        request,
        "web/parties/form.html",
        {
            "form": form,
            "party": party,
            "title": _("Edit %(name)s") % {"name": party.display_name},
            "block_warning": block_warning(party.pk),
        },
        status=400 if form.errors else 200,
    )
