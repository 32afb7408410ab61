"""GLEIF Level-2 relationship records (RR golden copy CSV) as relationship rows, and GLEIF
Level-1 records (who is who) for the parties a run creates from an LEI.

IS_DIRECTLY_CONSOLIDATED_BY becomes a group link child -> direct parent, dated by the
RELATIONSHIP_PERIOD; IS_ULTIMATELY_CONSOLIDATED_BY rows are kept aside and compared with the
tree the direct links give. Other relationship types (funds, branches) are counted and skipped.
"""

import codecs
import datetime as dt
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from verbund.interfaces.parsers import ImportFileError, Reader, check_size

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


# --- GLEIF Level 1 (who is who): names and addresses for parties created from an LEI ----------

# Level-1 CSV golden copy columns -> party fields.
LEVEL1_CSV = {
    "Entity.LegalName": "name",
    "Entity.LegalAddress.FirstAddressLine": "street",
    "Entity.LegalAddress.PostalCode": "postcode",
    "Entity.LegalAddress.City": "city",
    "Entity.LegalAddress.Country": "country",
    "Entity.RegistrationAuthority.RegistrationAuthorityEntityID": "register_number",
}
# The party columns' lengths: longer Level-1 values are cut, not refused (GLEIF's data is not
# the user's to correct).
LEVEL1_LIMITS = {
    "name": 200,
    "street": 200,
    "postcode": 16,
    "city": 100,
    "country": 2,
    "register_number": 64,
}


def _text(node: Any) -> str:
    """A Level-1 JSON value: ``{"$": "text"}``."""
    return str(node.get("$", "")).strip() if isinstance(node, dict) else ""


def _level1_fields(entity: dict[str, Any]) -> dict[str, str]:
    address = entity.get("LegalAddress") or {}
    authority = entity.get("RegistrationAuthority") or {}
    return {
        "name": _text(entity.get("LegalName")),
        "street": _text(address.get("FirstAddressLine")),
        "postcode": _text(address.get("PostalCode")),
        "city": _text(address.get("City")),
        "country": _text(address.get("Country")),
        "register_number": _text(authority.get("RegistrationAuthorityEntityID")),
    }


def _clean(fields: dict[str, str]) -> dict[str, str]:
    out = {k: v[: LEVEL1_LIMITS[k]] for k, v in fields.items() if v}
    country = out.get("country", "")
    if not (len(country) == 2 and country.isalpha()):
        out.pop("country", None)
    else:
        out["country"] = country.upper()
    return out


def level1_records(path: str | Path, wanted: set[str]) -> dict[str, dict[str, str]]:
    """The party fields (name, street, postcode, city, country, register number) Level-1
    records give for the ``wanted`` LEIs, from a golden copy or delta file as JSON
    (``{"records": [...]}``) or CSV. Refused with the file named when it is neither."""
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise ImportFileError(_("%(file)s: no such file.") % {"file": str(path)})
    check_size(path, name)
    found: dict[str, dict[str, str]] = {}
    with open(path, "rb") as fh:
        start = fh.read(64).lstrip(codecs.BOM_UTF8).lstrip()
    if start.startswith(b"{") or start.startswith(b"["):
        try:
            with open(path, encoding="utf-8-sig") as fh:
                data = json.load(fh)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ImportFileError(
                _("%(file)s: not a GLEIF Level-1 JSON file (%(reason)s).")
                % {"file": name, "reason": getattr(exc, "msg", type(exc).__name__)}
            ) from None
        records = data.get("records") if isinstance(data, dict) else data
        if not isinstance(records, list):
            raise ImportFileError(
                _("%(file)s: not a GLEIF Level-1 JSON file (no records).") % {"file": name}
            )
        for record in records:
            if not isinstance(record, dict):
                continue
            lei = _text(record.get("LEI")).upper()
            if lei in wanted and isinstance(record.get("Entity"), dict):
                found[lei] = _clean(_level1_fields(record["Entity"]))
        return found
    reader = Reader(path, "csv", name=name)
    rows = reader.rows()
    first = next(rows, None)
    if "LEI" not in reader.columns or "Entity.LegalName" not in reader.columns:
        raise ImportFileError(
            _("%(file)s, row 1: not a GLEIF Level-1 file; missing %(columns)s.")
            % {"file": name, "columns": "LEI, Entity.LegalName"}
        )
    for _row, raw in itertools.chain([first] if first else [], rows):
        lei = raw.get("LEI", "").strip().upper()
        if lei in wanted:
            found[lei] = _clean({f: raw.get(c, "") for c, f in LEVEL1_CSV.items()})
    return found
