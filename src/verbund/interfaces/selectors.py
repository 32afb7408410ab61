"""Reads of import runs, shared by the import page and the API."""

from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet

from verbund.interfaces.engine.values import PARTY_FIELDS
from verbund.interfaces.models import ImportRun
from verbund.parties.models import Party


def run_rows() -> QuerySet[ImportRun]:
    """Import runs with the user who started each, as the history and the API show them."""
    return ImportRun.objects.select_related("actor")


def party_field_labels() -> dict[str, str]:
    """The party fields a run may change, by the names the party form gives them (a run's
    sample of changes shows "Ort: Köln → Bonn", not "city")."""
    labels = {}
    for name in PARTY_FIELDS:
        try:
            field = Party._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        labels[name] = str(getattr(field, "verbose_name", name))
    return labels
