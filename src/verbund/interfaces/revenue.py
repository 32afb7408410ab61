"""Revenue rows (party, month, amount ...) through the revenue app's own writers.

New figures go in bulk through ``revenue.bulk.do_bulk_load_months`` (aggregates kept in step
there); changed figures through ``revenue.actions.do_record_revenue``, which replaces the
figure of the same key. Parties and settling parties are external ids of the run's source.
Key of a figure: (party, month, settling party, reference), revenue source ``erp``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from verbund.core.bulk import chunks
from verbund.core.serializers import stored_length
from verbund.interfaces.engine import Abort, Context, Issue, Outcome
from verbund.interfaces.engine.relationships import party_lookup
from verbund.interfaces.engine.results import empty_value, no_data_rows, not_text_issues
from verbund.interfaces.parsers import parse_date, parse_decimal
from verbund.parties.models import Party
from verbund.parties.rules import length_error
from verbund.revenue.models import RevenueMonth

_MONTH = [
    (re.compile(r"^(\d{4})-(\d{1,2})$"), (1, 2)),
    (re.compile(r"^(\d{4})(\d{2})$"), (1, 2)),
    (re.compile(r"^(\d{1,2})[./](\d{4})$"), (2, 1)),
    (re.compile(r"^(\d{4})/(\d{1,2})$"), (1, 2)),
]
CENT = Decimal("0.01")
REFERENCE_LIMIT = stored_length(RevenueMonth, "reference")


def parse_month(text: str, style: str = "auto") -> dt.date:
    """2025-12, 202512 (SAP SPMON), 12.2025, 12/2025 or any date in the month."""
    text = text.strip()
    for pattern, (yi, mi) in _MONTH:
        m = pattern.match(text)
        if m:
            year, month = int(m.group(yi)), int(m.group(mi))
            return dt.date(year, month, 1)
    return parse_date(text, style).replace(day=1)


def import_revenue(
    rows: Iterator[tuple[int, dict[str, str]]], columns: dict[str, str], ctx: Context, *, actor: Any
) -> Outcome:
    from verbund.revenue import actions as revenue_actions
    from verbund.revenue import rules as revenue_rules
    from verbund.revenue.bulk import do_bulk_load_months
    from verbund.revenue.models import RevenueSource

    out = Outcome(outcomes={} if ctx.track_outcomes else None)
    atomic = not ctx.skip_invalid
    col_items = list(columns.items())
    parsed: list[tuple[int, str, str, dt.date, Decimal, str, str]] = []
    seen: dict[tuple[str, dt.date, str, str], int] = {}
    n = 0
    for row_no, raw in rows:
        n += 1
        v, odd = ctx.row_values(row_no, raw, col_items)
        party, settled = v.get("party", ""), v.get("settled_by", "")
        reference = v.get("reference", "")
        key = f"{party}:{v.get('month', '')}:{settled}:{reference}"
        ok = True

        def bad(
            f: str, value: str, reason: str, row_no: int = row_no, key: str = key, odd: Any = odd
        ) -> None:
            nonlocal ok
            ok = False
            if f not in odd:  # a field sent an object or list has its error already
                out.error(Issue(row_no, f, value, reason, key))

        for issue in not_text_issues(row_no, odd, key) if odd else ():
            ok = False
            out.error(issue)
        if not party:
            bad("party", "", empty_value())
        month = None
        if not v.get("month"):
            bad("month", "", empty_value())
        else:
            try:
                month = parse_month(v["month"], ctx.dates)
            except ValueError:
                bad(
                    "month",
                    v["month"],
                    _("%(value)s is not a month (2025-12, 12.2025 or 202512).")
                    % {"value": v["month"]},
                )
        amount = None
        if not v.get("amount"):
            bad("amount", "", empty_value())
        else:
            try:
                amount = parse_decimal(v["amount"], ctx.numbers).quantize(
                    CENT, rounding=ROUND_HALF_UP
                )
            except ValueError:
                bad(
                    "amount",
                    v["amount"],
                    _("%(value)s is not an amount (1.234,56 or 1234.56).") % {"value": v["amount"]},
                )
            else:
                too_large = revenue_rules.amount_error(amount, v["amount"])
                if too_large:
                    amount = None
                    bad("amount", v["amount"], too_large)
        currency = (v.get("currency", "") or "EUR").upper()
        try:
            revenue_actions.as_currency(currency)
        except ValidationError as exc:
            bad("currency", currency, exc.messages[0])
        too_long = length_error(reference, REFERENCE_LIMIT)
        if too_long:
            bad("reference", reference, too_long)
        if month is not None:
            dup = seen.get((party, month, settled, reference))
            if dup is not None:
                bad(
                    "month",
                    v.get("month", ""),
                    _("The same figure appears twice: rows %(first)s and %(row)s.")
                    % {"first": dup, "row": row_no},
                )
            seen[(party, month, settled, reference)] = row_no
        if ok and month is not None and amount is not None:
            parsed.append((row_no, party, settled, month, amount, currency, reference))
    out.counts["rows"] = n
    if n == 0:
        out.error(no_data_rows())
        raise Abort(out)
    if out.counts["errors"] and atomic:
        raise Abort(out)
    refs = {p[1] for p in parsed} | {p[2] for p in parsed if p[2]}
    ids = party_lookup(refs, ctx.source, "erp", whole=len(refs) > 20_000)
    rates: dict[tuple[str, dt.date], Decimal] = {}
    resolved: list[tuple[int, str, int, int | None, dt.date, Decimal, str, str, int]] = []
    for row_no, party, settled, month, amount, currency, reference in parsed:
        key = f"{party}:{month:%Y-%m}:{settled}:{reference}"
        pid = ids.get(party)
        sid = ids.get(settled) if settled else None
        if pid is None or (settled and sid is None):
            field, ref = ("party", party) if pid is None else ("settled_by", settled)
            out.error(
                Issue(
                    row_no,
                    field,
                    ref,
                    _("No party with external id %(key)s (source %(source)s).")
                    % {"key": ref, "source": ctx.source},
                    key,
                )
            )
            continue
        if sid == pid:
            sid = None
        try:
            rate = rates.get((currency, month))
            if rate is None:
                rate = rates[(currency, month)] = revenue_actions.rate_for(currency, month)
        except ValidationError as exc:
            out.error(Issue(row_no, "currency", currency, exc.messages[0], key))
            continue
        try:
            cents = revenue_actions.to_cents(amount, currency, month, rate)
        except ValidationError as exc:
            out.error(Issue(row_no, "amount", str(amount), exc.messages[0], key))
            continue
        resolved.append((row_no, key, pid, sid, month, amount, currency, reference, cents))
    if out.counts["errors"] and atomic:
        raise Abort(out)
    existing: dict[tuple[int, dt.date, int | None, str], tuple[int, Decimal, str]] = {}
    for chunk in chunks(sorted({r[2] for r in resolved}), 900):
        for pid, month, sid, ref, cents, original, currency in RevenueMonth.objects.filter(
            party_id__in=chunk, source=RevenueSource.ERP
        ).values_list(
            "party_id",
            "month",
            "settled_by_id",
            "reference",
            "amount_cents",
            "amount_original",
            "currency",
        ):
            existing[(pid, month, sid, ref)] = (cents, original, currency)
    new_rows = []
    changed = []
    for row_no, key, pid, sid, month, amount, currency, reference, cents in resolved:
        have = existing.get((pid, month, sid, reference))
        if have is None:
            new_rows.append(
                (pid, sid, month, cents, currency, amount, RevenueSource.ERP, reference)
            )
            out.counts["created"] += 1
            out.outcome(key, "created")
        elif have == (cents, amount, currency):
            out.counts["unchanged"] += 1
            out.outcome(key, "unchanged")
        else:
            changed.append((row_no, key, pid, sid, month, amount, currency, reference))
            out.counts["updated"] += 1
            out.outcome(key, "updated")
            if len(out.diffs) < 50:
                out.diffs.append(
                    {
                        "row": row_no,
                        "key": key,
                        "before": str(have[1]),
                        "after": str(amount),
                        "currencies": [have[2], currency],
                    }
                )
    if new_rows:
        do_bulk_load_months(
            new_rows, actor=actor, note=f"import {ctx.source}", action="revenue.import"
        )
    if changed:
        parties = {
            p.pk: p
            for p in Party.objects.filter(
                pk__in={c[2] for c in changed} | {c[3] for c in changed if c[3]}
            )
        }
        for _row, _key, pid, sid, month, amount, currency, reference in changed:
            revenue_actions.do_record_revenue(
                actor=actor, party=parties[pid], month=month, amount=amount, currency=currency,
                settled_by=parties.get(sid) if sid else None, source=RevenueSource.ERP, reference=reference,
            )  # fmt: skip
    return out
