"""Changing every party of a selection at once ("Sammeländerung"): the responsible user, a tag
added, a tag removed. The page asks, shows how many parties it will change and what, and only
a second step writes, through ``parties.actions.do_change_many`` (as the API's
``change-parties`` does): up to ``CHANGE_MANY_LIMIT`` parties while the user waits, more in a
background run whose page shows its progress and then its result (decision 0066)."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy
from django.views.decorators.http import require_http_methods

from verbund.core.formatting import format_number, user_name
from verbund.core.permissions import requires
from verbund.parties import rules
from verbund.parties.actions import KEEP
from verbund.parties.filters import UserChoiceField
from verbund.parties.models import Tag
from verbund.selections import actions, runs, selectors
from verbund.selections import rules as selection_rules
from verbund.selections.models import ChangeRun, Selection

NOBODY = "none"


class ChangePartiesForm(forms.Form):
    """What to change; nothing chosen changes nothing (refused, so no empty run is recorded)."""

    # "" leaves the responsible user as is, "none" (NOBODY) makes it nobody.
    responsible = UserChoiceField(
        queryset=get_user_model().objects.filter(is_active=True),
        required=False,
        empty_label=gettext_lazy("unchanged"),
        null_label=gettext_lazy("nobody"),
        null_value=NOBODY,
        label=gettext_lazy("Responsible"),
    )
    add_tag = forms.CharField(
        label=gettext_lazy("Add tag"),
        required=False,
        help_text=gettext_lazy("An existing tag or a new one."),
    )
    remove_tag = forms.ModelChoiceField(
        queryset=Tag.objects.all(),
        to_field_name="name",
        label=gettext_lazy("Remove tag"),
        required=False,
        empty_label=pgettext_lazy("tag", "none"),
    )

    def __init__(self, *args: Any, me: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible"].me = me  # type: ignore[attr-defined]
        self.fields["add_tag"].widget.attrs["list"] = "known-tags"

    def clean_add_tag(self) -> str:
        """The tag's name as it will be added: a stored tag's own spelling ("messe" adds
        "Messe"), checked by the rule of a tag's name before the user confirms."""
        name = rules.normal_tag(self.cleaned_data.get("add_tag", ""))
        if not name:
            return ""
        problem = rules.tag_error(name)
        if problem:
            raise ValidationError(problem)
        stored = rules.tag_alike(name)
        return stored.name if stored else name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        nothing = rules.nothing_to_change_error(
            not data.get("responsible"), [data.get("add_tag", "")], [data.get("remove_tag")]
        )
        if nothing:
            raise ValidationError(nothing)
        return data

    def changes(self) -> dict[str, Any]:
        """The keyword arguments of ``do_change_many``."""
        chosen = self.cleaned_data.get("responsible")
        responsible = KEEP if not chosen else None if chosen == NOBODY else chosen
        add = self.cleaned_data.get("add_tag", "")
        remove = self.cleaned_data.get("remove_tag")
        return {
            "responsible": responsible,
            "add_tags": [add] if add else [],
            "remove_tags": [remove] if remove else [],
        }

    def summary(self) -> list[str]:
        """What will change, in words."""
        changes = self.changes()
        return describe(
            changes["responsible"],
            changes["add_tags"],
            [t.name for t in changes["remove_tags"]],
        )


def describe(responsible: Any, add_tags: list[str], remove_tags: list[str]) -> list[str]:
    """What a change does, in words: the confirmation's and its background run's page.
    ``responsible`` is a user, None (nobody) or ``KEEP``."""
    lines = []
    if responsible is None:
        lines.append(_("Responsible: nobody"))
    elif responsible is not KEEP:
        lines.append(_("Responsible: %(name)s") % {"name": user_name(responsible)})
    lines += [_("Add the tag “%(tag)s”") % {"tag": t} for t in add_tags]
    lines += [_("Remove the tag “%(tag)s”") % {"tag": t} for t in remove_tags]
    return lines


@require_http_methods(["GET", "POST"])
@requires("selections.view_selection", "parties.change_party")
def selection_change(request: HttpRequest, selection_id: int) -> HttpResponse:
    """Ask what to change; then show what and how many; then (``confirm``) change them."""
    selection = get_object_or_404(selectors.visible(request.user), pk=selection_id)
    form = ChangePartiesForm(request.POST or None, me=request.user.pk)
    valid = request.method == "POST" and form.is_valid()
    if valid and request.POST.get("confirm") == "1":
        # The action counts and refuses a stale or too big selection itself.
        try:
            changed = actions.do_change_or_start(selection, actor=request.user, **form.changes())
        except ValidationError as exc:
            return _page(request, selection, form, exc.messages, confirming=False)
        if isinstance(changed, ChangeRun):
            return redirect("selection-change-run", run_id=changed.pk)
        text = ngettext("%(count)s party changed.", "%(count)s parties changed.", changed)
        messages.success(request, text % {"count": format_number(changed)})
        return redirect("selection-detail", selection_id=selection.pk)
    return _page(request, selection, form, [], confirming=valid)


def _page(
    request: HttpRequest, selection: Selection, form: ChangePartiesForm, problems: list[str],
    *, confirming: bool,
) -> HttpResponse:  # fmt: skip
    """The form, or what it will change and for how many, with the selection's count."""
    count: int | None = None
    running = runs.open_run(selection)
    try:
        count = selectors.count(selection.filters)
    except ValidationError as exc:
        problems = problems or exc.messages
    else:
        too_many = rules.change_many_error(count, background=True)
        problems = problems or ([too_many] if too_many else [])
    if running is not None and not problems:
        problems = [selection_rules.change_run_open_error(True) or ""]
    confirming = confirming and not problems
    return render(
        request,
        "selections/change.html",
        {
            "selection": selection,
            "form": form,
            "count": count,
            "problems": problems,
            "confirming": confirming,
            "background": count is not None and rules.change_many_in_background(count),
            "limit": rules.CHANGE_MANY_LIMIT,
            "running": running,
            "summary": form.summary() if confirming else [],
            "tags": Tag.objects.values_list("name", flat=True),
        },
        status=400 if (form.errors or problems) else 200,
    )


@requires("selections.view_selection", "parties.change_party")
def selection_change_run(request: HttpRequest, run_id: int) -> HttpResponse:
    """A background change of a selection's parties: its progress while it runs (the page
    asks again every two seconds), then how many parties changed, or why it failed."""
    run = get_object_or_404(runs.visible(request.user, selectors.visible(request.user)), pk=run_id)
    done, total, percent = runs.progress(run)
    template = (
        "selections/_change_run.html"
        if request.headers.get("HX-Request")
        else "selections/change_run.html"
    )
    context = {"run": run, "done": done, "total": total, "percent": percent}
    return render(request, template, {**context, "summary": _run_summary(run)})


def _run_summary(run: ChangeRun) -> list[str]:
    """What the run changes, in the words of the confirmation."""
    changes = run.changes or {}
    responsible: Any = KEEP
    if "responsible" in changes:
        responsible = get_user_model().objects.filter(pk=changes["responsible"]).first()
    return describe(responsible, changes.get("add_tags", []), changes.get("remove_tags", []))
