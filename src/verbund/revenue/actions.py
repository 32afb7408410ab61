"""Every write to revenue, currency rates and main addresses. Atomic, audited.

Each write to monthly revenue adjusts the party's :class:`RevenueYear` pre-aggregate (the
year's total and its months, ``revenue.aggregates``) in the same transaction, so every figure
is exact the moment the write commits.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from verbund.core import audit
from verbund.core.prepared import Prepared
from verbund.parties.models import Party
from verbund.relationships import actions as rel_actions
from verbund.relationships.models import (
    Relationship,
    RelationshipSource,
    RelationshipType,
    valid_on_q,
)
from verbund.revenue import aggregates, rules
from verbund.revenue.models import (
    CurrencyRate,
    InvoiceLine,
    RevenueMonth,
    RevenueSource,
)
from verbund.revenue.periods import month_start, parse_month

SETTLEMENT = "settlement"
CENT = Decimal("0.01")


# --- money --------------------------------------------------------------------------------


def as_amount(value: Any, field: str = "amount") -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", ".")) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        raise ValidationError(
            {field: [_("%(value)s is not an amount.") % {"value": value}]}
        ) from None
    if not amount.is_finite():
        raise ValidationError({field: [_("%(value)s is not an amount.") % {"value": value}]})
    amount = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    too_large = rules.amount_error(amount, value)
    if too_large:
        raise ValidationError({field: [too_large]})
    return amount


def as_currency(value: str | None) -> str:
    code = (value or "EUR").strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise ValidationError(
            {"currency": [_("%(value)s is not a currency code (ISO 4217).") % {"value": value}]}
        )
    return code


def rate_for(currency: str, month: dt.date) -> Decimal:
    """Units of ``currency`` per euro in ``month``; a missing rate is an error naming the month."""
    if currency == "EUR":
        return Decimal(1)
    rate = (
        CurrencyRate.objects.filter(currency=currency, month=month_start(month))
        .values_list("per_eur", flat=True)
        .first()
    )
    if rate is None:
        raise ValidationError(
            {
                "currency": [
                    _("No rate for %(currency)s in %(month)s; record the rate first.")
                    % {"currency": currency, "month": f"{month:%Y-%m}"}
                ]
            }
        )
    return rate


def to_cents(amount: Decimal, currency: str, month: dt.date, rate: Decimal | None = None) -> int:
    """EUR cents for ``amount`` in ``currency``, converted at the month's stored rate, half-up;
    raises a ValidationError on ``amount`` when they are beyond what is stored."""
    per_eur = rate if rate is not None else rate_for(currency, month)
    cents = int((amount / per_eur * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    too_large = rules.cents_error(cents, amount, currency)
    if too_large:
        raise ValidationError({"amount": [too_large]})
    return cents


# --- monthly revenue ----------------------------------------------------------------------


def _check_party(party: Party, field: str) -> None:
    if party.merged_into_id:
        raise ValidationError(
            {
                field: [
                    _("%(party)s was merged; record revenue on the surviving record.")
                    % {"party": party}
                ]
            }
        )


@transaction.atomic
def do_record_revenue(
    *,
    actor: Any,
    party: Party,
    month: str | dt.date,
    amount: Any,
    currency: str | None = "EUR",
    settled_by: Party | None = None,
    source: str = RevenueSource.MANUAL,
    reference: str = "",
) -> RevenueMonth:
    """Record (or correct) one party's revenue for one month; the same key replaces the figure."""
    first = parse_month(month)
    code = as_currency(currency)
    original = as_amount(amount)
    _check_party(party, "party")
    if settled_by is not None:
        _check_party(settled_by, "settled_by")
        if settled_by.pk == party.pk:
            settled_by = None
    if source not in RevenueSource.values:
        raise ValidationError({"source": [_("Unknown source %(value)s.") % {"value": source}]})
    cents = to_cents(original, code, first)
    existing = (
        RevenueMonth.objects.select_for_update()
        .filter(
            party=party,
            month=first,
            settled_by=settled_by,
            source=source,
            reference=reference or "",
        )
        .first()
    )
    before = audit.snapshot(existing) if existing else None
    old = existing.amount_cents if existing else 0
    row = existing or RevenueMonth(
        party=party, month=first, settled_by=settled_by, source=source, reference=reference or ""
    )
    row.amount_cents, row.currency, row.amount_original = cents, code, original
    row.save()
    if existing is None or cents != old:
        # A new row counts even at 0: its month then has figures.
        aggregates.bump({(party.pk, first): cents - old})
    audit.record(
        actor=actor,
        action="revenue.record",
        obj=row,
        before=before,
        after=audit.snapshot(row),
        party_id=party.pk,
    )
    return row


@transaction.atomic
def do_delete_revenue(row: RevenueMonth, *, actor: Any, note: str = "") -> None:
    """Remove a monthly figure (e.g. booked on the wrong customer) and its share of the year."""
    row = RevenueMonth.objects.select_for_update().get(pk=row.pk)
    before = audit.snapshot(row)
    pk, party_id, cell = row.pk, row.party_id, (row.party_id, row.month)
    row.delete()
    aggregates.bump({cell: -row.amount_cents}, emptied=[cell])
    audit.record(
        actor=actor,
        action="revenue.delete",
        object_type="revenue.revenuemonth",
        object_id=pk,
        before=before,
        party_id=party_id,
        note=note,
    )


@transaction.atomic
def do_set_currency_rate(
    *, actor: Any, currency: str, month: str | dt.date, per_eur: Any
) -> CurrencyRate:
    """Store a month's rate; figures already recorded in that currency and month are reconverted."""
    code = as_currency(currency)
    if code == "EUR":
        raise ValidationError({"currency": [_("The euro needs no rate.")]})
    first = parse_month(month)
    try:
        rate = Decimal(str(per_eur))
    except InvalidOperation:
        raise ValidationError(
            {"per_eur": [_("%(value)s is not a number.") % {"value": per_eur}]}
        ) from None
    if not rate.is_finite():
        raise ValidationError({"per_eur": [_("%(value)s is not a number.") % {"value": per_eur}]})
    refused = rules.rate_error(rate, per_eur)
    if refused:
        raise ValidationError({"per_eur": [refused]})
    obj = CurrencyRate.objects.select_for_update().filter(currency=code, month=first).first()
    before = audit.snapshot(obj) if obj else None
    obj = obj or CurrencyRate(currency=code, month=first)
    obj.per_eur = rate
    obj.save()
    deltas: dict[tuple[int, dt.date], int] = defaultdict(int)
    try:
        for row in RevenueMonth.objects.select_for_update().filter(currency=code, month=first):
            cents = to_cents(row.amount_original, code, first, rate)
            if cents != row.amount_cents:
                deltas[(row.party_id, first)] += cents - row.amount_cents
                row.amount_cents = cents
                row.save(update_fields=["amount_cents"])
        for line in InvoiceLine.objects.select_for_update().filter(
            currency=code, invoice_date__gte=first, invoice_date__lt=_next_month(first)
        ):
            line.amount_cents = to_cents(line.amount, code, first, rate)
            line.save(update_fields=["amount_cents"])
    except ValidationError as exc:
        # A stored figure too large in euro at this rate: the rate is what is refused.
        raise ValidationError({"per_eur": exc.messages}) from None
    aggregates.bump(deltas)
    audit.record(
        actor=actor, action="revenue.rate", obj=obj, before=before, after=audit.snapshot(obj)
    )
    return obj


def _next_month(first: dt.date) -> dt.date:
    return dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)


@transaction.atomic
def do_load_invoice_lines(lines: Iterable[Mapping[str, Any]], *, actor: Any) -> dict[str, int]:
    """Load raw invoice lines and aggregate them into monthly figures of source ``lines``.

    Each line names ``party`` (Party), ``invoice_date``, ``amount``, optional ``currency``,
    ``settled_by`` (Party or None), ``document`` and ``line``. A line already loaded (same
    document and line number) is replaced. The monthly rows of every touched (party, month)
    are rebuilt from all stored lines, so loading the same file twice changes nothing.
    """
    touched: set[tuple[int, dt.date]] = set()
    count = 0
    for i, item in enumerate(lines, start=1):
        party: Party = item["party"]
        _check_party(party, f"line {i}: party")
        raw_date = item["invoice_date"]
        day = raw_date if isinstance(raw_date, dt.date) else dt.date.fromisoformat(str(raw_date))
        code = as_currency(item.get("currency"))
        amount = as_amount(item["amount"], f"line {i}: amount")
        settled: Party | None = item.get("settled_by")
        old_line = InvoiceLine.objects.filter(
            document=str(item["document"]), line=int(item.get("line", 1))
        ).first()
        if old_line is not None:
            touched.add((old_line.party_id, month_start(old_line.invoice_date)))
        InvoiceLine.objects.update_or_create(
            document=str(item["document"]),
            line=int(item.get("line", 1)),
            defaults={
                "party": party,
                "settled_by": settled if settled is None or settled.pk != party.pk else None,
                "invoice_date": day,
                "amount": amount,
                "currency": code,
                "amount_cents": to_cents(amount, code, day),
            },
        )
        touched.add((party.pk, month_start(day)))
        count += 1
    deltas: dict[tuple[int, dt.date], int] = {}
    emptied: list[tuple[int, dt.date]] = []
    for party_id, first in sorted(touched):
        old = RevenueMonth.objects.select_for_update().filter(
            party_id=party_id, month=first, source=RevenueSource.INVOICE_LINES
        )
        removed = [row.amount_cents for row in old]
        if removed:
            deltas[(party_id, first)] = -sum(removed)
        old.delete()
        per_key: dict[int | None, tuple[int, set[str], Decimal]] = {}
        sums = (
            InvoiceLine.objects.filter(
                party_id=party_id, invoice_date__gte=first, invoice_date__lt=_next_month(first)
            )
            .values("settled_by_id", "currency")
            .annotate(amount=Sum("amount"), cents=Sum("amount_cents"))
        )
        for s in sums:
            cents, codes, amount = per_key.get(s["settled_by_id"], (0, set(), Decimal(0)))
            per_key[s["settled_by_id"]] = (
                cents + int(s["cents"]),
                codes | {s["currency"]},
                amount + Decimal(s["amount"]),
            )
        for settled_id, (cents, codes, amount) in per_key.items():
            # Lines in several currencies for one key keep the euro figure as their original.
            code = codes.pop() if len(codes) == 1 else "EUR"
            original = amount if len(codes) == 0 else Decimal(cents) / 100
            RevenueMonth.objects.create(
                party_id=party_id,
                month=first,
                settled_by_id=settled_id,
                source=RevenueSource.INVOICE_LINES,
                reference="",
                amount_cents=cents,
                currency=code,
                amount_original=original,
            )
            deltas[(party_id, first)] = deltas.get((party_id, first), 0) + cents
        if removed and not per_key:
            emptied.append((party_id, first))  # the month may have no rows left
    aggregates.bump(deltas, emptied=emptied)
    audit.record(
        actor=actor,
        action="revenue.load_lines",
        object_type="revenue.invoiceline",
        after={"lines": count, "months": len(touched)},
        note=_("%(lines)s invoice lines into %(months)s monthly figures")
        % {"lines": count, "months": len(touched)},
    )
    return {"lines": count, "months": len(touched)}


# --- main address (central settlement) ----------------------------------------------------


# Compiled once (core/prepared.py): every customer file's revenue section asks.
_MAIN_ADDRESS = Prepared(
    lambda party, day: (
        Relationship.objects.filter(type__key=SETTLEMENT, from_party_id=party)
        .filter(valid_on_q(day))
        .select_related("to_party", "type")
        .order_by("-valid_from")[:1]
    ),
    party=int,
    day=dt.date,
)


def main_address_relationship(party: Party, on: dt.date | None = None) -> Relationship | None:
    """The settlement relationship valid on ``on`` (default today): the party's main address."""
    found = _MAIN_ADDRESS(party=party.pk, day=on or dt.date.today())
    return found[0] if found else None


@transaction.atomic
def do_set_main_address(
    party: Party, main: Party | None, *, actor: Any, on: dt.date | None = None
) -> Relationship | None:
    """Name (``main``), change or clear (``None``) the party's main address from ``on`` (default today).

    The main address IS the settlement relationship (from the delivery address to the
    settlement party); nothing else stores it. Setting creates one valid from ``on``; changing
    ends the current one on the day before ``on`` and creates the new one from ``on``;
    clearing ends it on the day before ``on``. History is kept: a link that began on ``on``
    itself is ended on its first day and its successor starts the day after.
    """
    day = on or dt.date.today()
    if main is not None and main.pk == party.pk:
        raise ValidationError({"main": [_("A party cannot be its own main address.")]})
    current = main_address_relationship(party, day)
    if current is not None and main is not None and current.to_party_id == main.pk:
        return current
    if current is not None:
        start = current.valid_from
        # Ending the day before keeps the new link from overlapping the old one; a link that
        # began on this very day is ended on that day (a one-day history, never deleted).
        end = day - dt.timedelta(days=1)
        if start is not None and end < start:
            end = start
        rel_actions.do_end_relationship(
            current, actor=actor, valid_to=end, note=_("Main address changed")
        )
    if main is None:
        audit.record(
            actor=actor,
            action="revenue.main_address.clear",
            obj=party,
            party_id=party.pk,
            after={"main": None, "on": day.isoformat()},
        )
        return None
    rtype = RelationshipType.objects.get(key=SETTLEMENT)
    valid_from = day
    if current is not None and current.valid_from == day:
        valid_from = day + dt.timedelta(days=1)
    rel = rel_actions.do_create_relationship(
        actor=actor,
        type=rtype,
        from_party=party,
        to_party=main,
        valid_from=valid_from,
        source=RelationshipSource.SETTLEMENT,
    )
    audit.record(
        actor=actor,
        action="revenue.main_address.set",
        obj=party,
        party_id=party.pk,
        after={"main": main.pk, "on": valid_from.isoformat()},
    )
    return rel
