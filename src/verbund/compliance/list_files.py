"""Reading list files, whatever the format: the entries every parser produces
(``ParsedEntry``), the error a bad file raises (``ListFormatError``), dates as lists write
them, XML through defusedxml only and CSV headers found by their columns.
"""

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError
from defusedxml.ElementTree import fromstring as safe_fromstring
from django.utils.translation import gettext as _


class ListFormatError(ValueError):
    """The file is malformed, unsafe or not in the declared format."""


@dataclass
class ParsedEntry:
    external_id: str
    schema: str
    names: list[dict[str, Any]]
    countries: list[str] = field(default_factory=list)
    birth_dates: list[str] = field(default_factory=list)
    identifiers: list[dict[str, str]] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)
    remarks: str = ""

    @property
    def name(self) -> str:
        return self.names[0]["name"] if self.names else ""

    def add_name(self, name: str | None, weak: bool = False) -> None:
        name = re.sub(r"\s+", " ", (name or "")).strip()
        if name and not any(n["name"].lower() == name.lower() for n in self.names):
            self.names.append({"name": name, "weak": weak})

    def add_identifier(self, kind: str, value: str | None) -> None:
        value = (value or "").strip()
        # OFAC puts notes and links into its id list; only short codes are identifiers.
        if len(value) > 40 or value.startswith("http") or " " in value.strip():
            return
        if value and {"type": kind, "value": value} not in self.identifiers:
            self.identifiers.append({"type": kind, "value": value})

    def content_hash(self) -> str:
        data = [
            self.schema,
            self.names,
            sorted(self.countries),
            sorted(self.birth_dates),
            self.identifiers,
            sorted(self.programs),
            self.remarks,
        ]
        return hashlib.sha256(
            json.dumps(data, sort_keys=True, ensure_ascii=False).encode()
        ).hexdigest()


@dataclass
class ParseResult:
    entries: list[ParsedEntry]
    published: str = ""


# --- helpers ------------------------------------------------------------------------------

_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}


def parse_date_text(text: str | None) -> list[str]:
    """Dates as lists write them ("12 Jan 1960", "1960", "1958 to 1960", "circa 1970",
    "12/01/1960", "1960-01-12") as ``YYYY-MM-DD`` or ``YYYY`` strings."""
    if not text:
        return []
    text = text.strip()
    out: list[str] = []
    for m in re.finditer(r"(\d{4})-(\d{2})-(\d{2})", text):
        out.append(f"{m.group(1)}-{m.group(2)}-{m.group(3)}")
    if out:
        return out
    for m in re.finditer(r"(\d{1,2})/(\d{1,2})/(\d{4})", text):
        out.append(f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}")
    if out:
        return out
    for m in re.finditer(r"(\d{1,2}) ([A-Za-z]{3})[a-z]* (\d{4})", text):
        month = _MONTHS.get(m.group(2).lower())
        if month:
            out.append(f"{m.group(3)}-{month:02d}-{int(m.group(1)):02d}")
    if out:
        return out
    years = [int(y) for y in re.findall(r"\b(1[89]\d\d|20\d\d)\b", text)]
    if len(years) == 2 and "to" in text and 0 < years[1] - years[0] <= 10:
        return [str(y) for y in range(years[0], years[1] + 1)]
    return [str(y) for y in years]


def strip_ns(root: Element) -> Element:
    for el in root.iter():
        if isinstance(el.tag, str) and "}" in el.tag:
            el.tag = el.tag.split("}", 1)[1]
    return root


def parse_xml(data: bytes, expected_roots: Iterable[str], label: str, name: str = "") -> Element:
    """Parse ``data`` (the file ``name``) safely and check the root element; raise
    ListFormatError naming the file otherwise."""
    prefix = f"{name}: " if name else ""
    try:
        root = safe_fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise ListFormatError(
            prefix
            + _(
                "The file was refused: it uses XML features that are not allowed in list files (%(what)s)."
            )
            % {"what": type(exc).__name__}
        ) from exc
    except ParseError as exc:
        # The parser's own text is English (expat); the position is what helps the user.
        line, column = getattr(exc, "position", (0, 0))
        raise ListFormatError(
            prefix
            + _("The file is not well-formed XML (line %(line)s, column %(column)s).")
            % {"line": line, "column": column}
        ) from exc
    root = strip_ns(root)
    if root.tag not in expected_roots:
        raise ListFormatError(
            prefix
            + _(
                "This is not a %(format)s file: its root element is <%(root)s>, expected <%(expected)s>."
            )
            % {"format": label, "root": root.tag, "expected": "> or <".join(expected_roots)}
        )
    return root


def child_text(el: Element | None, path: str) -> str:
    if el is None:
        return ""
    found = el.find(path)
    return (found.text or "").strip() if found is not None and found.text else ""


def child_texts(el: Element, path: str) -> list[str]:
    return [(x.text or "").strip() for x in el.findall(path) if x.text and x.text.strip()]


def decode_text(data: bytes) -> str:
    data = data.rstrip(b"\x1a\r\n ").replace(b"\x1a", b"")
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise ListFormatError(_("The file is neither UTF-8 nor Windows-1252 text."))


def finish_entries(entries: list[ParsedEntry], label: str) -> list[ParsedEntry]:
    entries = [e for e in entries if e.names]
    if not entries:
        raise ListFormatError(
            _("No list entries were found: is this really a %(format)s file?") % {"format": label}
        )
    seen: dict[str, ParsedEntry] = {}
    for e in entries:
        seen.setdefault(e.external_id, e)
    return list(seen.values())


# --- OFAC legacy CSV (sdn.csv + add.csv + alt.csv) ------------------------------------------


def csv_rows(
    data: bytes, label: str, required: list[str], delimiter: str | None = None
) -> list[dict[str, str]]:
    """Rows as dicts keyed by folded header names; the header is the first row naming ``required``."""
    text = decode_text(data)
    lines = text.splitlines()
    if delimiter is None:
        delimiter = ";" if lines and lines[0].count(";") > lines[0].count(",") else ","
    reader = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    for i, row in enumerate(reader[:5]):
        keys = [re.sub(r"[^a-z0-9]", "", c.lower()) for c in row]
        if all(r in keys for r in required):
            return [
                dict(zip(keys, (c.strip() for c in r), strict=False))
                for r in reader[i + 1 :]
                if any(c.strip() for c in r)
            ]
    raise ListFormatError(
        _("This is not a %(format)s file: the header lacks the columns %(cols)s.")
        % {"format": label, "cols": ", ".join(required)}
    )
