"""Reads of import runs, shared by the import page and the API."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Max, QuerySet
from django.utils.text import capfirst

from verbund.core.formatting import format_date, format_money, format_number, format_percent
from verbund.interfaces.engine.values import LINK_VALUES, PARTY_FIELDS
from verbund.interfaces.models import ImportRun, ImportStatus
from verbund.parties.models import Party
from verbund.relationships.models import Relationship

# Stored as ISO text in a run's report; people read them as dates.
DATE_FIELDS = {"birth_date", "valid_from", "valid_to"}


def run_rows() -> QuerySet[ImportRun]:
    """Import runs with the user who started each, as the history and the API show them."""
    return ImportRun.objects.select_related("actor")


def known_sources(limit: int = 50) -> list[str]:
    """The source systems earlier runs wrote under, most recent first: the upload form offers
    them, since a file keyed by another spelling ("erp" for "SAP") would create every party
    anew. Only runs that wrote: a misspelt dry run or a failed run is not offered again."""
    rows = (
        ImportRun.objects.filter(status=ImportStatus.DONE, dry_run=False)
        .values("source")
        .annotate(last=Max("id"))
        .order_by("-last")
    )
    return [row["source"] for row in rows[:limit]]


def party_field_labels() -> dict[str, str]:
    """The fields a run may change, by the names the party and link forms give them,
    capitalised (a run's sample of changes shows "Ort: Köln → Bonn" and "City: …", not
    "city"; a link's "Notiz: alt → neu")."""
    labels = {}
    for model, names in ((Relationship, LINK_VALUES), (Party, PARTY_FIELDS)):
        for name in names:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            labels[name] = capfirst(str(getattr(field, "verbose_name", name)))
    return labels


def stored_values(value: object) -> list[str]:
    """A link's or revenue figure's stored values (a list or one value), as text."""
    if isinstance(value, list):
        return ["—" if v in (None, "") else str(v) for v in value]
    return ["—" if value in (None, "") else str(value)]


def _shown(name: str, value: object) -> str:
    if value in (None, ""):
        return "—"
    if name in DATE_FIELDS:
        return format_date(str(value))
    if name == "share":
        # Stored as the share's canonical text ("12.5"): a percentage in the reader's decimals.
        return format_percent(str(value))
    return str(value)


def change_text(diff: dict[str, Any], labels: dict[str, str]) -> str:
    """One sampled difference of a run's report as people read it: a party's or a link's
    changed fields ("Ort: Köln → Bonn; Name: …"), or a revenue figure's amounts in their
    currencies ("10,00 € → 12,50 CHF"; runs before the currencies were kept: "10,00 → 12,50").
    A link's values are stored by position (``LINK_VALUES``); only those that differ are said."""
    changes = diff.get("changes")
    before, after = diff.get("before"), diff.get("after")
    if not changes and isinstance(before, list) and isinstance(after, list):
        changes = _link_changes(before, after)
    if changes:
        return "; ".join(
            f"{labels.get(name, name)}: {_shown(name, pair[0])} → {_shown(name, pair[1])}"
            for name, pair in changes.items()
        )
    if not isinstance(before, list) and not isinstance(after, list):
        # A revenue figure: an amount in the reader's decimals, with its currency where the
        # run kept it (a change of currency alone would read "10,00 → 10,00").
        currencies = diff.get("currencies")
        if isinstance(currencies, list) and len(currencies) == 2:
            return (
                f"{format_money(_text(before), str(currencies[0]))} → "
                f"{format_money(_text(after), str(currencies[1]))}"
            )
        return f"{_amount(before)} → {_amount(after)}"
    return f"{' · '.join(stored_values(before))} → {' · '.join(stored_values(after))}"


def _link_changes(before: list[Any], after: list[Any]) -> dict[str, tuple[Any, Any]]:
    if not len(before) == len(after) == len(LINK_VALUES):
        return {}
    return {
        name: (old, new)
        for name, old, new in zip(LINK_VALUES, before, after, strict=True)
        if old != new
    }


def _text(value: object) -> str:
    return "—" if value in (None, "") else str(value)


def _amount(value: object) -> str:
    try:
        return format_number(Decimal(str(value)), 2)
    except (InvalidOperation, ValueError):
        return stored_values(value)[0]
