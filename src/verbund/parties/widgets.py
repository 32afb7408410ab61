"""A filter that holds a party's id, chosen by name or number with the party picker.

The party list's member filters (``selections.filters``: group, chain, association) take a
party's database id, which no user knows. ``PartyPickerWidget`` keeps that id in a hidden field
under the filter's name (links, saved selections and the API read it unchanged) and shows the
chosen party by name and number, with a box to type a name or number into (the web app's
``party-picker`` type-ahead, ``web/static/web/verbund.js``) and a button to clear it.

A widget reads nothing: ``pick_parties`` reads the parties every picker of a form names, in
one query, and hands each to its widget; the page calls it before rendering the form.
"""

from dataclasses import dataclass
from typing import Any, cast

from django import forms

from verbund.parties.models import Party
from verbund.parties.selectors import LIST_FIELDS, NO_SUCH_PARTY


class PartyPickerWidget(forms.Widget):
    """The chosen party (``party``, set by ``pick_parties``) and the picker to choose another.

    ``scope`` names what the filter shows, with ``%(party)s`` for the chosen party ("Group of
    %(party)s"): the line above a list filtered with it."""

    template_name = "parties/widgets/party_picker.html"
    # Set on the form's own copy of the widget (a form deep-copies its fields): the chosen
    # party, and whether the value was refused.
    party: Party | None = None
    refused: bool = False

    def __init__(self, scope: Any, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.scope = scope

    def id_for_label(self, id_: str) -> str:
        # The label leads to the box the user types into; the id itself is hidden.
        return f"{id_}_query" if id_ else id_

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        # A refused value (no party, no number) is not sent again: its error message says what
        # it was, and the next search goes without it. A value nobody looked up is kept as it is.
        context["widget"]["party"] = self.party
        if self.party:
            context["widget"]["value"] = self.party.pk
        elif self.refused:
            context["widget"]["value"] = None
        return context


@dataclass(frozen=True)
class Picked:
    """A picker filter in use: its field's name, the chosen party, and the line saying what
    the list shows (the widget's ``scope`` split around the party)."""

    name: str
    party: Party
    before: str
    after: str


def pick_parties(form: forms.Form) -> list[Picked]:
    """Read the parties the form's picker fields name (one query, none without a value), hand
    each to its widget, and refuse on its field an id that names no party (``NO_SUCH_PARTY``).

    Returns the filters in use in the form's order. Call it after the form is cleaned (a
    FilterSet's ``is_valid``); a field already refused is left as it is."""
    wanted: dict[str, int] = {}
    for name, field in form.fields.items():
        if not isinstance(field.widget, PartyPickerWidget):
            continue
        if name in form.errors:
            field.widget.refused = True
            continue
        value = form.cleaned_data.get(name)
        if value is not None and value != "":
            wanted[name] = int(value)
    if not wanted:
        return []
    found = Party.objects.only(*LIST_FIELDS).in_bulk(set(wanted.values()))
    picked: list[Picked] = []
    for name, pk in wanted.items():
        widget = cast(PartyPickerWidget, form.fields[name].widget)
        party = found.get(pk)
        if party is None:
            form.add_error(name, str(NO_SUCH_PARTY))
            widget.refused = True
            continue
        widget.party = party
        before, _mark, after = str(widget.scope).partition("%(party)s")
        picked.append(Picked(name, party, before, after))
    return picked
