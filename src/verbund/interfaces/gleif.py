"""GLEIF Level-2 relationship records (RR golden copy CSV) as relationship rows.

IS_DIRECTLY_CONSOLIDATED_BY becomes a group link child -> direct parent, dated by the
RELATIONSHIP_PERIOD; IS_ULTIMATELY_CONSOLIDATED_BY rows are kept aside and compared with the
tree the direct links give. Other relationship types (funds, branches) are counted and skipped.
"""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from verbund.interfaces.parsers import ImportFileError

START = "Relationship.StartNode.NodeID"
END = "Relationship.EndNode.NodeID"
TYPE = "Relationship.RelationshipType"
STATUS = "Relationship.RelationshipStatus"
DIRECT = "IS_DIRECTLY_CONSOLIDATED_BY"
ULTIMATE = "IS_ULTIMATELY_CONSOLIDATED_BY"
COLUMNS = {
    "from": "from",
    "to": "to",
    "type": "type",
    "valid_from": "valid_from",
    "valid_to": "valid_to",
    "external_id": "external_id",
}


@dataclass
class GleifRows:
    ultimate: list[tuple[int, str, str]] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)


def _day(text: str) -> str:
    if not text:
        return ""
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date().isoformat()


def gleif_rows(
    rows: Iterator[tuple[int, dict[str, str]]], header: list[str], file_name: str, state: GleifRows
) -> Iterator[tuple[int, dict[str, str]]]:
    missing = [c for c in (START, END, TYPE, STATUS) if c not in header]
    if missing:
        raise ImportFileError(
            _("%(file)s, row 1: not a GLEIF RR file; missing %(columns)s.")
            % {"file": file_name, "columns": ", ".join(missing)}
        )
    for row_no, raw in rows:
        kind = raw.get(TYPE, "")
        child, parent = raw.get(START, "").strip().upper(), raw.get(END, "").strip().upper()
        if kind == ULTIMATE:
            state.ultimate.append((row_no, child, parent))
            continue
        if kind != DIRECT:
            state.skipped[kind] = state.skipped.get(kind, 0) + 1
            continue
        start = end = ""
        for i in range(1, 6):
            if raw.get(f"Relationship.Period.{i}.periodType") == "RELATIONSHIP_PERIOD":
                try:
                    start = _day(raw.get(f"Relationship.Period.{i}.startDate", ""))
                    end = _day(raw.get(f"Relationship.Period.{i}.endDate", ""))
                except ValueError:
                    start = end = ""
                break
        if raw.get(STATUS, "ACTIVE") != "ACTIVE" and not end:
            state.skipped["INACTIVE"] = state.skipped.get("INACTIVE", 0) + 1
            continue
        yield (
            row_no,
            {
                "from": child,
                "to": parent,
                "type": "group",
                "valid_from": start,
                "valid_to": end,
                "external_id": f"{child}>{parent}",
            },
        )
