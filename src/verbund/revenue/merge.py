"""Duplicate merges: revenue follows the surviving party and goes back on undo.

Moving a row onto the survivor could collide with a row of the same key (month, settling
party, source, reference); such a row gets ``~m<source id>`` appended to its reference so
that both figures are kept, and undo strips the mark again. Yearly aggregates of both parties
are rebuilt in the merge's transaction.
"""

from typing import Any

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from verbund.core.formatting import format_eur
from verbund.parties.models import Party
from verbund.revenue.aggregates import recompute
from verbund.revenue.models import InvoiceLine, RevenueMonth

PARTY_KEY = "revenue.revenuemonth"
SETTLED_KEY = "revenue.revenuemonth:settled_by"
LINE_KEY = "revenue.invoiceline"
LINE_SETTLED_KEY = "revenue.invoiceline:settled_by"
# Rows of the source settled through the survivor: after the merge they settle through no one.
CLEARED_KEY = "revenue.revenuemonth:settled_cleared"


def _mark(source: Party) -> str:
    return f"~m{source.pk}"


def _collides(row: RevenueMonth, party_id: int, settled_id: int | None) -> bool:
    return (
        RevenueMonth.objects.filter(
            party_id=party_id,
            month=row.month,
            settled_by_id=settled_id,
            source=row.source,
            reference=row.reference,
        )
        .exclude(pk=row.pk)
        .exists()
    )


def reassign(source: Party, survivor: Party, *, actor: Any) -> dict[str, list[int]]:
    moved: dict[str, list[int]] = {
        PARTY_KEY: [],
        SETTLED_KEY: [],
        CLEARED_KEY: [],
        LINE_KEY: [],
        LINE_SETTLED_KEY: [],
    }
    for row in RevenueMonth.objects.select_for_update().filter(
        Q(party=source) | Q(settled_by=source)
    ):
        party_id = survivor.pk if row.party_id == source.pk else row.party_id
        settled_id = survivor.pk if row.settled_by_id == source.pk else row.settled_by_id
        if settled_id == party_id:
            if row.settled_by_id == survivor.pk:
                moved[CLEARED_KEY].append(row.pk)
            settled_id = None
        if _collides(row, party_id, settled_id):
            row.reference = (row.reference + _mark(source))[:128]
        if row.party_id == source.pk:
            moved[PARTY_KEY].append(row.pk)
        if row.settled_by_id == source.pk:
            moved[SETTLED_KEY].append(row.pk)
        row.party_id, row.settled_by_id = party_id, settled_id
        row.save(update_fields=["party", "settled_by", "reference"])
    moved[LINE_KEY] = list(InvoiceLine.objects.filter(party=source).values_list("pk", flat=True))
    InvoiceLine.objects.filter(pk__in=moved[LINE_KEY]).update(party=survivor)
    moved[LINE_SETTLED_KEY] = list(
        InvoiceLine.objects.filter(settled_by=source).values_list("pk", flat=True)
    )
    InvoiceLine.objects.filter(pk__in=moved[LINE_SETTLED_KEY]).update(settled_by=survivor)
    recompute([source.pk, survivor.pk])
    return {k: v for k, v in moved.items() if v}


def unassign(moved: dict[str, list[int]], source: Party, survivor: Party, *, actor: Any) -> None:
    as_party = set(moved.get(PARTY_KEY, []))
    as_settler = set(moved.get(SETTLED_KEY, []))
    cleared = set(moved.get(CLEARED_KEY, []))
    mark = _mark(source)
    for row in RevenueMonth.objects.select_for_update().filter(pk__in=as_party | as_settler):
        if row.pk in as_party:
            row.party_id = source.pk
        if row.pk in as_settler:
            row.settled_by_id = source.pk
        elif row.pk in cleared:
            row.settled_by_id = survivor.pk
        if row.reference.endswith(mark):
            row.reference = row.reference[: -len(mark)]
        row.save(update_fields=["party", "settled_by", "reference"])
    InvoiceLine.objects.filter(pk__in=moved.get(LINE_KEY, []), party=survivor).update(party=source)
    InvoiceLine.objects.filter(pk__in=moved.get(LINE_SETTLED_KEY, []), settled_by=survivor).update(
        settled_by=source
    )
    recompute([source.pk, survivor.pk])


def describe(moved: dict[str, list[int]]) -> list[dict[str, str]]:
    """Each figure ``reassign`` moved, as the merge's plan lists it: "moved", or "ended" for a
    figure whose settlement through the survivor ends (a party cannot settle for itself)."""
    cleared = set(moved.get(CLEARED_KEY, []))
    ids = set(moved.get(PARTY_KEY, [])) | set(moved.get(SETTLED_KEY, [])) | cleared
    items: list[dict[str, str]] = []
    for row in RevenueMonth.objects.filter(pk__in=ids).order_by("month", "pk"):
        text = f"{date_format(row.month, 'YEAR_MONTH_FORMAT')}: {format_eur(row.amount_cents)}"
        if row.reference:
            text += f" ({row.reference})"
        if row.pk in cleared:
            items.append(
                {"outcome": "ended", "text": text, "why": _("settlement through the survivor ends")}
            )
        else:
            items.append({"outcome": "moved", "text": text, "why": ""})
    line_ids = set(moved.get(LINE_KEY, [])) | set(moved.get(LINE_SETTLED_KEY, []))
    for line in InvoiceLine.objects.filter(pk__in=line_ids).order_by("invoice_date", "pk"):
        text = _("Invoice %(document)s of %(date)s: %(amount)s") % {
            "document": line.document,
            "date": date_format(line.invoice_date, "SHORT_DATE_FORMAT"),
            "amount": format_eur(line.amount_cents),
        }
        items.append({"outcome": "moved", "text": text, "why": ""})
    return items
