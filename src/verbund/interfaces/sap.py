"""SAP customer master with partner functions, turned into party rows with main addresses.

One input row per (customer, partner function, partner). The customer's master fields must be
the same on all its rows. Payer (RG), else bill-to (RE), pointing to another customer is the
customer's main address (central settlement); every ship-to (WE) of the customer is a delivery
address settled through that payer (or through the customer itself when it pays itself).
"""

from collections.abc import Iterator

from django.utils.translation import gettext as _

from verbund.interfaces.engine import Issue
from verbund.interfaces.engine.results import empty_external_id
from verbund.interfaces.mapping import PartnerFunctions
from verbund.interfaces.parsers import ImportFileError


def _column(header: list[str], wanted: str) -> str | None:
    for col in header:
        if col.strip().lower() == wanted.lower():
            return col
    return None


def sap_party_rows(
    rows: Iterator[tuple[int, dict[str, str]]],
    header: list[str],
    columns: dict[str, str],
    pf: PartnerFunctions,
    file_name: str,
) -> tuple[list[tuple[int, dict[str, str]]], dict[str, str], list[Issue]]:
    """Return (rows keyed by field name, identity column map, errors)."""
    f_col, p_col = _column(header, pf.function), _column(header, pf.partner)
    if f_col is None or p_col is None:
        raise ImportFileError(
            _("%(file)s, row 1: required column missing: %(columns)s (mapping sap).")
            % {
                "file": file_name,
                "columns": ", ".join(
                    c for c, col in ((pf.function, f_col), (pf.partner, p_col)) if col is None
                ),
            }
        )
    issues: list[Issue] = []
    master: dict[str, tuple[int, dict[str, str]]] = {}
    payer: dict[
        str, tuple[int, str, int]
    ] = {}  # customer -> (row, partner, rank: 0 payer, 1 bill-to)
    ship_to: dict[str, list[tuple[int, str]]] = {}
    for row_no, raw in rows:
        values = {f: raw.get(c, "").strip() for c, f in columns.items() if f != "main_address"}
        key = values.get("external_id", "")
        if not key:
            issues.append(Issue(row_no, "external_id", "", empty_external_id()))
            continue
        first = master.get(key)
        if first is None:
            master[key] = (row_no, values)
        else:
            for f, v in values.items():
                if first[1].get(f, "") != v:
                    issues.append(
                        Issue(
                            row_no,
                            f,
                            v,
                            _("Customer %(key)s has %(other)s in row %(row)s; its rows must agree.")
                            % {"key": key, "other": first[1].get(f, ""), "row": first[0]},
                            key,
                        )
                    )
                    break
        function = raw.get(f_col, "").strip().upper()
        partner = raw.get(p_col, "").strip()
        if not function or not partner or partner == key:
            continue
        if function in pf.payer or function in pf.bill_to:
            rank = 0 if function in pf.payer else 1
            have = payer.get(key)
            if have is None or rank < have[2]:
                payer[key] = (row_no, partner, rank)
            elif rank == have[2] and have[1] != partner:
                issues.append(
                    Issue(
                        row_no,
                        p_col,
                        partner,
                        _("Customer %(key)s has two payers: %(a)s (row %(row)s) and %(b)s.")
                        % {"key": key, "a": have[1], "row": have[0], "b": partner},
                        key,
                    )
                )
        elif function in pf.ship_to:
            ship_to.setdefault(key, []).append((row_no, partner))
        elif function not in pf.sold_to:
            issues.append(Issue(row_no, f_col, function, _("Unknown partner function."), key))
    main: dict[str, tuple[int, str]] = {k: (r, p) for k, (r, p, _rank) in payer.items()}
    for customer, targets in ship_to.items():
        settled_by = payer[customer][1] if customer in payer else customer
        for row_no, w in targets:
            if w == settled_by:
                continue
            known = main.get(w)
            if known is None:
                main[w] = (row_no, settled_by)
            elif known[1] != settled_by:
                issues.append(
                    Issue(
                        row_no,
                        p_col,
                        w,
                        _(
                            "Ship-to %(w)s would be settled through both %(a)s (row %(row)s) and %(b)s."
                        )
                        % {"w": w, "a": known[1], "row": known[0], "b": settled_by},
                        w,
                    )
                )
    out_rows: list[tuple[int, dict[str, str]]] = []
    for key, (row_no, values) in master.items():
        out_rows.append((row_no, {**values, "main_address": main.get(key, (0, ""))[1]}))
    for w, (row_no, _target) in main.items():
        if w not in master:
            issues.append(
                Issue(
                    row_no,
                    p_col,
                    w,
                    _("Partner %(w)s has no row of its own in the file.") % {"w": w},
                    w,
                )
            )
    fields = {f: f for f in {*columns.values(), "main_address"}}
    return out_rows, fields, issues
