"""Pages of the privacy role: printable access export, erasure (what it changes, then do it),
legal holds, consents from the file, the advertising export and the privacy log.

Every page calls ``privacy.actions`` / ``privacy.selectors``; permissions match the API twins.
"""

import csv
import io
import json
from collections.abc import Iterator

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from verbund.core.exports import csv_pieces
from verbund.core.formatting import format_number
from verbund.core.forms import apply_errors
from verbund.core.paging import first_row, keyset_page, list_count
from verbund.core.permissions import requires
from verbund.parties.models import Party
from verbund.privacy import actions, rules, selectors
from verbund.privacy.forms import AdvertisingForm, ConsentForm, HoldForm, LetterForm, ReasonForm
from verbund.privacy.letter import export_context, letter_context
from verbund.privacy.models import Channel, PrivacyLog, RetentionRun
from verbund.privacy.sections import section_context
from verbund.selections import selectors as selection_selectors

LOG_PAGE = 50


@requires("privacy.export_personal_data")
def export_page(request: HttpRequest, party_id: int) -> HttpResponse:
    """The access export as a printable page, to check before handing it out: not logged. The
    download (``export_json``, as its API twin) hands it out and logs it, once."""
    party = get_object_or_404(Party, pk=party_id)
    try:
        document = selectors.access_document(party)
    except ValidationError as exc:
        return render(
            request, "privacy/refused.html", {"party": party, "messages_": exc.messages}, status=400
        )
    context = export_context(party, document) | {"letter_form": LetterForm()}
    return render(request, "privacy/export.html", context)


@requires("privacy.export_personal_data")
def export_letter(request: HttpRequest, party_id: int) -> HttpResponse:
    """The access answer as a printable letter (German or English, as the page). Opening it
    hands the answer out: logged once, as the JSON download is (decision 0051)."""
    party = get_object_or_404(Party, pk=party_id)
    form = LetterForm(request.GET)
    if not form.is_valid():
        messages_ = [
            f"{form[f].label}: {' '.join(str(m) for m in e)}" for f, e in form.errors.items()
        ]
        return render(
            request, "privacy/refused.html", {"party": party, "messages_": messages_}, status=400
        )
    reference = form.cleaned_data["reference"]
    try:
        document = actions.do_export_party(party, actor=request.user, reason=reference)
    except ValidationError as exc:
        return render(
            request, "privacy/refused.html", {"party": party, "messages_": exc.messages}, status=400
        )
    return render(request, "privacy/letter.html", letter_context(party, document, reference))


@requires("privacy.export_personal_data")
def export_json(request: HttpRequest, party_id: int) -> HttpResponse:
    party = get_object_or_404(Party, pk=party_id)
    try:
        document = actions.do_export_party(party, actor=request.user)
    except ValidationError as exc:
        return HttpResponse(
            "\n".join(exc.messages), status=400, content_type="text/plain; charset=utf-8"
        )
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="auskunft-{party.number}.json"'
    return response


@require_http_methods(["GET", "POST"])
@requires("privacy.erase_personal_data")
def erase_page(request: HttpRequest, party_id: int) -> HttpResponse:
    """What an erasure changes and keeps, and (POST) the erasure itself."""
    party = get_object_or_404(Party, pk=party_id)
    form = ReasonForm(request.POST or None)
    refusal = actions.erasure_refusal(party)
    if request.method == "POST" and form.is_valid() and not refusal:
        try:
            actions.do_erase_party(party, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("party-detail", party_id=party.pk)
    plan = None if refusal else actions.erasure_plan(party)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "privacy/erase.html",
        {"party": party, "form": form, "refusal": refusal, "plan": plan},
        status=status,
    )


@require_http_methods(["POST"])
@requires("privacy.add_legalhold")
def hold_create(request: HttpRequest, party_id: int) -> HttpResponse:
    party = get_object_or_404(Party, pk=party_id)
    form = HoldForm(request.POST)
    if form.is_valid():
        try:
            actions.do_set_hold(party, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("party-detail", party_id=party.pk)
    return render(request, "privacy/hold.html", {"party": party, "form": form}, status=400)


@require_http_methods(["POST"])
@requires("privacy.change_legalhold")
def hold_lift(request: HttpRequest, party_id: int) -> HttpResponse:
    party = get_object_or_404(Party, pk=party_id)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            actions.do_lift_hold(party, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("party-detail", party_id=party.pk)
    return render(
        request, "privacy/hold.html", {"party": party, "form": form, "lift": True}, status=400
    )


@require_http_methods(["POST"])
@requires("privacy.add_consent")
def consent_create(request: HttpRequest, party_id: int) -> HttpResponse:
    """Record a consent or objection from the file's section (HTMX: the section again)."""
    party = get_object_or_404(Party, pk=party_id)
    form = ConsentForm(request.POST)
    if form.is_valid():
        try:
            actions.do_record_consent(party, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if not getattr(request, "htmx", False):
                return redirect("party-detail", party_id=party.pk)
            return render(request, "privacy/section.html", section_context(request, party))
    htmx = getattr(request, "htmx", False)
    return render(
        request,
        "privacy/section.html",
        section_context(request, party, form),
        status=200 if htmx else 400,
    )


def _advertising_selection(
    request: HttpRequest, count: bool = True
) -> tuple[AdvertisingForm, selectors.Selection | None]:
    # A link names at most the selection (the selection's "For advertising" button): the
    # channel starts at post, which the page shows and lets the user change.
    data = request.GET.copy()
    if not data.get("channel"):
        data["channel"] = Channel.POST
    form = AdvertisingForm(data)
    if not form.is_valid():
        return form, None
    parties = Party.objects.all()
    if form.cleaned_data["selection"]:
        # A saved selection, as far as the user may see it (selections' own rule).
        saved = get_object_or_404(
            selection_selectors.visible(request.user), pk=form.cleaned_data["selection"]
        )
        form.saved_selection = saved  # type: ignore[attr-defined]
        try:
            parties = selection_selectors.parties(saved.filters)
        except ValidationError as exc:
            form.add_error("selection", exc.messages)
            return form, None
    return form, selectors.advertising_selection(parties, form.cleaned_data["channel"], count=count)


@requires("parties.view_party", "privacy.export_advertising")
def advertising(request: HttpRequest) -> HttpResponse:
    """The advertising selection on a channel: how many it holds, and how many it left out for
    each reason (objection, sanctions block, no address on the channel)."""
    form, selection = _advertising_selection(request)
    return render(
        request,
        "privacy/advertising.html",
        {
            "form": form,
            "selection": selection,
            "sample": selection.parties if selection else [],
        },
        status=200 if selection is not None else 400,
    )


@requires("parties.view_party", "privacy.export_advertising")
def advertising_csv(request: HttpRequest) -> HttpResponseBase:
    """The advertising export as CSV: the parties the channel reaches, without objectors and
    without parties blocked under sanctions; the last line says how many each reason left out
    (the X-Left-Out header: the objectors). One query streamed as it is read (values, not
    model instances: a million parties in a few seconds, memory flat), every cell through
    ``core.exports.safe_row``."""
    form, selection = _advertising_selection(request, count=False)
    if selection is None:
        return HttpResponse(
            "; ".join(
                f"{form[f].label if f in form.fields else f}: {' '.join(str(m) for m in e)}"
                for f, e in form.errors.items()
            ),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    header = [_("Number"), _("Name"), _("Street"), _("Postcode"), _("City"), _("Country"),
              _("E-mail"), _("Phone")]  # fmt: skip

    language = translation.get_language()

    def lines() -> Iterator[str]:
        yield from csv_pieces(header, selection.rows())
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")
        # The last line says how many were left out and why; those out of reach are counted
        # exactly here, after the rows (one COUNT, the file reads every party anyway).
        with translation.override(language):
            footer = _(
                "Left out because of an objection: %(n)s, blocked under sanctions: "
                "%(blocked)s, %(reason)s: %(unreachable)s"
            ) % {
                "n": format_number(selection.left_out),
                "blocked": format_number(selection.blocked),
                "reason": selection.unreachable_label,
                "unreachable": format_number(selection.exact_unreachable()),
            }
        writer.writerow([footer])
        yield out.getvalue()

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="werbung.csv"'
    response["X-Left-Out"] = str(selection.left_out)
    return response


@requires("privacy.view_privacylog")
def privacy_log(request: HttpRequest) -> HttpResponse:
    params = request.GET.copy()
    cursor = params.pop("after", [""])[-1]
    first = first_row(cursor, params.pop("seen", [""])[-1])
    rows = PrivacyLog.objects.select_related("actor")
    page = keyset_page(rows, "-id", cursor, LOG_PAGE)
    count = list_count(
        rows, len(page.rows), complete=not cursor and not page.next_cursor, first=first
    )
    # Each entry's party by name, linked to its file: one query for the page.
    named = selectors.named_parties(e.party_id for e in page.rows)
    entries = [(e, named.get(e.party_id)) for e in page.rows]
    return render(request, "privacy/log.html", {"page": page, "entries": entries, "count": count})


@requires("privacy.run_retention")
def retention(request: HttpRequest) -> HttpResponse:
    """What the retention rules find due (a dry run), the button that applies them and the
    last runs."""
    runs = list(RetentionRun.objects.select_related("created_by")[:RUNS_SHOWN])
    # The newest run is the open one if any (one at a time). While it erases what is due, a
    # dry run beside it would count a moving target (and read every party the rules look
    # at): the page points to the run's progress instead.
    running = runs[0] if runs and runs[0].is_open else None
    result = None if running else actions.do_retention(actor=request.user, apply=False)
    return render(
        request,
        "privacy/retention.html",
        {
            "result": result,
            "runs": runs,
            "running": running,
            "running_message": rules.retention_running_error(running is not None),
        },
    )


RUNS_SHOWN = 5


@require_http_methods(["GET", "POST"])
@requires("privacy.run_retention", "privacy.apply_retention")
def retention_apply(request: HttpRequest) -> HttpResponse:
    """The confirm step (what an application erases and keeps, in figures), and (POST) the
    start of the application as a background job, whose page shows its progress."""
    error = None
    if request.method == "POST":
        try:
            run = actions.do_start_retention(actor=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            return redirect("privacy-retention-run", run_id=run.pk)
    running = selectors.open_retention_run()
    if running is not None:
        # The open run erases what is due: a dry run beside it would count a moving target
        # (and read every party the rules look at) only to be refused at the button.
        return render(
            request,
            "privacy/retention_apply.html",
            {"running": running, "running_message": rules.retention_running_error(True)},
            status=400 if error else 200,
        )
    result = actions.do_retention(actor=request.user, apply=False)
    return render(
        request,
        "privacy/retention_apply.html",
        {"result": result, "error": error},
        status=400 if error else 200,
    )


@requires("privacy.run_retention")
def retention_run(request: HttpRequest, run_id: int) -> HttpResponse:
    """One application of the retention rules: its progress while it runs (the page asks
    again every two seconds), then what it erased, kept and was refused."""
    run = get_object_or_404(RetentionRun.objects.select_related("created_by"), pk=run_id)
    named = selectors.named_parties(int(k) for k in run.refusals)
    refusals = [(named.get(int(k)), k, v) for k, v in run.refusals.items()]
    template = (
        "privacy/_retention_run.html"
        if request.headers.get("HX-Request")
        else "privacy/retention_run.html"
    )
    return render(request, template, {"run": run, "refusals": refusals})
