"""Reads of import runs, shared by the import page and the API."""

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.utils.text import capfirst

from verbund.interfaces.engine.values import PARTY_FIELDS
from verbund.interfaces.models import ImportRun
from verbund.parties.models import Party


def run_rows() -> QuerySet[ImportRun]:
    """Import runs with the user who started each, as the history and the API show them."""
    return ImportRun.objects.select_related("actor")


def party_field_labels() -> dict[str, str]:
    """The party fields a run may change, by the names the party form gives them, capitalised
    (a run's sample of changes shows "Ort: Köln → Bonn" and "City: …", not "city")."""
    labels = {}
    for name in PARTY_FIELDS:
        try:
            field = Party._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        labels[name] = capfirst(str(getattr(field, "verbose_name", name)))
    return labels


def stored_values(value: object) -> list[str]:
    """A link's or revenue figure's stored values (a list or one value), as text."""
    if isinstance(value, list):
        return ["—" if v in (None, "") else str(v) for v in value]
    return ["—" if value in (None, "") else str(value)]


def change_text(diff: dict[str, Any], labels: dict[str, str]) -> str:
    """One sampled difference of a run's report as people read it: a party's fields
    ("Ort: Köln → Bonn; Name: …"), or a link's or revenue figure's values ("a · b → c · d")."""
    changes = diff.get("changes")
    if changes:
        return "; ".join(
            f"{labels.get(name, name)}: {pair[0] or '—'} → {pair[1] or '—'}"
            for name, pair in changes.items()
        )
    before = " · ".join(stored_values(diff.get("before")))
    return f"{before} → {' · '.join(stored_values(diff.get('after')))}"
