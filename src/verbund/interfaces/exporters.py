"""Exports in the import formats, so that export -> import reports everything unchanged.

Parties: the records of one source with the generic columns, plus ``parent`` and
``main_address`` from the import's own links. Relationships: the links of the source's
relationship files. Revenue: the monthly figures of the source's parties.

Spreadsheet safety: in CSV and XLSX a text cell starting with = + - @ is written with a
leading apostrophe ('=SUM(...) stays text in Excel and LibreOffice); the importers remove
exactly that apostrophe again, so the round trip is exact.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from django.db import connection

from verbund.core.bulk import stream
from verbund.core.exports import safe_row
from verbund.interfaces.engine.values import PARTY_FIELDS, text
from verbund.parties.models import Party
from verbund.relationships.models import Relationship, RelationshipType
from verbund.relationships.rules import share_key

PT = Party._meta.db_table
RT = Relationship._meta.db_table


def party_rows(source: str) -> tuple[list[str], Iterator[list[Any]]]:
    header = ["external_id", *PARTY_FIELDS, "parent", "main_address"]
    types = dict(
        RelationshipType.objects.filter(key__in=["group", "settlement"]).values_list("key", "pk")
    )

    def links(type_key: str, ref: str) -> dict[int, str]:
        sql = (
            f"SELECT r.from_party_id, p.erp_id FROM {RT} r JOIN {PT} p ON p.id = r.to_party_id "
            f"WHERE r.type_id = %s AND r.external_ref = %s AND (r.valid_to IS NULL OR r.valid_to >= %s)"
        )
        return {a: b or "" for a, b in stream(sql, [types[type_key], ref, dt.date.today()])}

    parents = links("group", f"{source}/parent")
    mains = links("settlement", f"{source}/main")
    cols = ", ".join(["id", "erp_id", *PARTY_FIELDS])

    def rows() -> Iterator[list[Any]]:
        for rec in stream(
            f"SELECT {cols} FROM {PT} WHERE erp_source = %s AND merged_into_id IS NULL ORDER BY id",
            [source],
        ):
            pid = rec[0]
            yield [rec[1], *(text(v) for v in rec[2:]), parents.get(pid, ""), mains.get(pid, "")]

    return header, rows()


def relationship_rows(source: str) -> tuple[list[str], Iterator[list[Any]]]:
    header = ["external_id", "type", "from", "to", "valid_from", "valid_to", "share", "note"]
    prefix = f"{source}:"
    sql = (
        f"SELECT r.external_ref, t.key, a.erp_id, b.erp_id, r.valid_from, r.valid_to, r.share, r.note FROM {RT} r "
        f"JOIN relationships_relationshiptype t ON t.id = r.type_id JOIN {PT} a ON a.id = r.from_party_id "
        f"JOIN {PT} b ON b.id = r.to_party_id WHERE r.external_ref >= %s AND r.external_ref < %s ORDER BY r.id"
    )

    def rows() -> Iterator[list[Any]]:
        latest: dict[str, list[Any]] = {}
        for ref, key, a, b, vf, vt, share, note in stream(sql, [prefix, source + ";"]):
            latest[ref] = [
                ref[len(prefix) :],
                key,
                a or "",
                b or "",
                text(vf),
                text(vt),
                share_key(share),
                note or "",
            ]
        yield from latest.values()

    return header, rows()


def revenue_rows(source: str) -> tuple[list[str], Iterator[list[Any]]]:
    header = ["party", "settled_by", "month", "amount", "currency", "reference"]
    try:
        from verbund.revenue.models import RevenueMonth
    except ImportError:  # pragma: no cover - revenue app absent
        return header, iter(())
    table = RevenueMonth._meta.db_table
    sql = (
        f"SELECT a.erp_id, b.erp_id, m.month, m.amount_original, m.currency, m.reference FROM {table} m "
        f"JOIN {PT} a ON a.id = m.party_id LEFT JOIN {PT} b ON b.id = m.settled_by_id "
        f"WHERE a.erp_source = %s AND m.source = %s ORDER BY m.id"
    )

    def rows() -> Iterator[list[Any]]:
        for a, b, month, amount, currency, ref in stream(sql, [source, "erp"]):
            yield [
                a,
                b or "",
                text(month)[:7],
                format(amount, "f") if amount is not None else "",
                currency,
                ref or "",
            ]

    return header, rows()


EXPORTS = {"parties": party_rows, "relationships": relationship_rows, "revenue": revenue_rows}


def export(kind: str, source: str, fmt: str, target: IO[bytes] | Path) -> int:
    """Write the export; returns the number of data rows."""
    header, rows = EXPORTS[kind](source)
    count = 0
    if fmt == "xlsx":
        import openpyxl

        wb = openpyxl.Workbook(write_only=True)
        ws = wb.create_sheet(kind)
        ws.append(header)
        for row in rows:
            ws.append(safe_row(row))
            count += 1
        wb.save(target)  # type: ignore[arg-type]
        return count
    if isinstance(target, Path):
        with open(target, "w", encoding="utf-8", newline="") as fh:
            return _writetext(fmt, header, rows, fh)
    import io

    wrapper = io.TextIOWrapper(target, encoding="utf-8", newline="", write_through=True)
    try:
        return _writetext(fmt, header, rows, wrapper)
    finally:
        wrapper.detach()


def _writetext(fmt: str, header: list[str], rows: Iterator[list[Any]], stream: IO[str]) -> int:
    count = 0
    if fmt == "jsonl":
        for row in rows:
            stream.write(json.dumps(dict(zip(header, row, strict=True)), ensure_ascii=False) + "\n")
            count += 1
    else:
        w = csv.writer(stream, delimiter=";")
        w.writerow(header)
        for row in rows:
            w.writerow(safe_row(row))
            count += 1
    stream.flush()
    return count


def vendor() -> str:
    return connection.vendor
