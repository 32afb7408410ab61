"""Reads of import runs, shared by the import page and the API."""

from django.db.models import QuerySet

from verbund.interfaces.models import ImportRun


def run_rows() -> QuerySet[ImportRun]:
    """Import runs with the user who started each, as the history and the API show them."""
    return ImportRun.objects.select_related("actor")
