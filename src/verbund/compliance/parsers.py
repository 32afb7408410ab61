"""Parsers for every supported list format, each producing the same ``ParsedEntry`` records.

XML is read with defusedxml only: entity declarations (billion laughs), external entities
and DTD tricks are refused. A file that does not parse, or parses but is not the format it
was declared as, raises ``ListFormatError`` with a message for the user; nothing is written.
"""

import csv
import datetime as dt
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element

import orjson
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError
from defusedxml.ElementTree import fromstring as safe_fromstring
from django.utils.translation import gettext as _

from verbund.compliance.countries import to_iso, to_iso_list
from verbund.core.security import MAX_JSON_DEPTH, json_depth


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


def _strip_ns(root: Element) -> Element:
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
    root = _strip_ns(root)
    if root.tag not in expected_roots:
        raise ListFormatError(
            prefix
            + _(
                "This is not a %(format)s file: its root element is <%(root)s>, expected <%(expected)s>."
            )
            % {"format": label, "root": root.tag, "expected": "> or <".join(expected_roots)}
        )
    return root


def _text(el: Element | None, path: str) -> str:
    if el is None:
        return ""
    found = el.find(path)
    return (found.text or "").strip() if found is not None and found.text else ""


def _texts(el: Element, path: str) -> list[str]:
    return [(x.text or "").strip() for x in el.findall(path) if x.text and x.text.strip()]


def _decode(data: bytes) -> str:
    data = data.rstrip(b"\x1a\r\n ").replace(b"\x1a", b"")
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise ListFormatError(_("The file is neither UTF-8 nor Windows-1252 text."))


def _finish(entries: list[ParsedEntry], label: str) -> list[ParsedEntry]:
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

_OFAC_EMPTY = "-0-"
_OFAC_TYPES = {
    "individual": "person",
    "vessel": "vessel",
    "aircraft": "aircraft",
    "": "organisation",
}
_REMARK_IDS = [
    (re.compile(r"IMO (\d{7})"), "imo"),
    (re.compile(r"Legal Entity Number ([A-Z0-9]{20})"), "lei"),
    (re.compile(r"Registration (?:Number|ID) ([\w\-/]+)"), "register"),
    (re.compile(r"Passport ([\w\-]+)"), "passport"),
    (re.compile(r"National ID No\. ([\w\-]+)"), "national_id"),
    (re.compile(r"Tax ID No\. ([\w\-]+)"), "tax_id"),
]


def _ofac(value: str) -> str:
    value = (value or "").strip()
    return "" if value == _OFAC_EMPTY else value


def _ofac_name(name: str, schema: str) -> str:
    # Individuals are written "LASTNAME, First Middle": say them in natural order.
    if schema == "person" and "," in name:
        last, _, first = name.partition(",")
        return f"{first.strip()} {last.strip()}".strip()
    return name


def _remarks_facts(entry: ParsedEntry, remarks: str) -> None:
    for m in re.finditer(r"DOB ([^;]+)", remarks):
        entry.birth_dates += [d for d in parse_date_text(m.group(1)) if d not in entry.birth_dates]
    for m in re.finditer(r"(?:nationality|citizen) ([^;(]+)", remarks):
        code = to_iso(m.group(1))
        if code and code not in entry.countries:
            entry.countries.append(code)
    for pattern, kind in _REMARK_IDS:
        for m in pattern.finditer(remarks):
            entry.add_identifier(kind, m.group(1))
    # Weak aliases sit in the remarks, in single quotes: a.k.a. 'BNC'.
    for m in re.finditer(r"a\.k\.a\.,? '([^']+)'", remarks):
        entry.add_name(_ofac_name(m.group(1), entry.schema), weak=True)


def parse_ofac_csv(files: list[tuple[str, bytes]]) -> ParseResult:
    label = "OFAC CSV"
    prim: list[list[str]] = []
    adds: list[list[str]] = []
    alts: list[list[str]] = []
    for name, data in files:
        rows = [
            r for r in csv.reader(io.StringIO(_decode(data))) if r and any(c.strip() for c in r)
        ]
        if not rows:
            continue
        width = max(len(r) for r in rows[:50])
        if not rows[0][0].strip().isdigit():
            raise ListFormatError(
                _("%(file)s is not an OFAC CSV file: its first column is not an entry number.")
                % {"file": name}
            )
        if width == 12:
            prim += rows
        elif width == 6:
            adds += rows
        elif width == 5:
            alts += rows
        else:
            raise ListFormatError(
                _(
                    "%(file)s is not an OFAC CSV file: rows have %(n)s columns (sdn 12, add 6, alt 5)."
                )
                % {"file": name, "n": width}
            )
    if not prim:
        raise ListFormatError(
            _("The OFAC import needs sdn.csv (12 columns); add.csv and alt.csv are optional.")
        )
    entries: dict[str, ParsedEntry] = {}
    for row in prim:
        row = (row + [""] * 12)[:12]
        schema = _OFAC_TYPES.get(_ofac(row[2]).lower(), "other")
        entry = ParsedEntry(external_id=row[0].strip(), schema=schema, names=[])
        entry.add_name(_ofac_name(_ofac(row[1]), schema))
        entry.programs = [p.strip() for p in re.split(r"\]\s*\[", _ofac(row[3])) if p.strip()]
        entry.remarks = _ofac(row[11])
        if _ofac(row[9]):
            code = to_iso(_ofac(row[9]))
            if code:
                entry.countries.append(code)
        _remarks_facts(entry, entry.remarks)
        entries[entry.external_id] = entry
    for row in alts:
        row = (row + [""] * 5)[:5]
        alias_of = entries.get(row[0].strip())
        if alias_of:
            alias_of.add_name(
                _ofac_name(_ofac(row[3]), alias_of.schema), weak="weak" in _ofac(row[4]).lower()
            )
    for row in adds:
        row = (row + [""] * 6)[:6]
        address_of = entries.get(row[0].strip())
        code = to_iso(_ofac(row[4])) if address_of else ""
        if address_of and code and code not in address_of.countries:
            address_of.countries.append(code)
    return ParseResult(_finish(list(entries.values()), label))


# --- OFAC classic XML (sdn.xml) ---------------------------------------------------------------


def parse_ofac_xml(files: list[tuple[str, bytes]]) -> ParseResult:
    label = "OFAC XML"
    entries: list[ParsedEntry] = []
    published = ""
    for name, data in files:
        root = parse_xml(data, ["sdnList"], label, name)
        published = published or _text(root, "publshInformation/Publish_Date")
        for e in root.findall("sdnEntry"):
            kind = _text(e, "sdnType").lower()
            schema = {
                "individual": "person",
                "entity": "organisation",
                "vessel": "vessel",
                "aircraft": "aircraft",
            }.get(kind, "other")
            entry = ParsedEntry(external_id=_text(e, "uid"), schema=schema, names=[])
            entry.add_name(f"{_text(e, 'firstName')} {_text(e, 'lastName')}")
            for aka in e.findall("akaList/aka"):
                entry.add_name(
                    f"{_text(aka, 'firstName')} {_text(aka, 'lastName')}",
                    weak=_text(aka, "category").lower() == "weak",
                )
            entry.programs = _texts(e, "programList/program")
            for ident in e.findall("idList/id"):
                kind_text = _text(ident, "idType").lower()
                code = (
                    "imo"
                    if "imo" in kind_text
                    else "lei"
                    if "legal entity" in kind_text
                    else "register"
                    if "registration" in kind_text
                    else kind_text.replace(" ", "_")
                )
                entry.add_identifier(code, _text(ident, "idNumber"))
            for path in (
                "addressList/address/country",
                "nationalityList/nationality/country",
                "citizenshipList/citizenship/country",
            ):
                entry.countries += [
                    c for c in to_iso_list(_texts(e, path)) if c not in entry.countries
                ]
            for dob in _texts(e, "dateOfBirthList/dateOfBirthItem/dateOfBirth"):
                entry.birth_dates += parse_date_text(dob)
            entry.remarks = _text(e, "remarks")
            entries.append(entry)
    return ParseResult(_finish(entries, label), published)


# --- UN Security Council consolidated list ---------------------------------------------------


def parse_un_xml(files: list[tuple[str, bytes]]) -> ParseResult:
    label = "UN XML"
    entries: list[ParsedEntry] = []
    published = ""
    for name, data in files:
        root = parse_xml(data, ["CONSOLIDATED_LIST"], label, name)
        published = published or root.get("dateGenerated", "")[:10]
        for tag, schema in (
            ("INDIVIDUALS/INDIVIDUAL", "person"),
            ("ENTITIES/ENTITY", "organisation"),
        ):
            prefix = "INDIVIDUAL" if schema == "person" else "ENTITY"
            for e in root.findall(tag):
                ref = _text(e, "REFERENCE_NUMBER") or _text(e, "DATAID")
                entry = ParsedEntry(external_id=ref, schema=schema, names=[])
                entry.add_name(
                    " ".join(
                        _text(e, p)
                        for p in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
                        if _text(e, p)
                    )
                )
                entry.add_name(_text(e, "NAME_ORIGINAL_SCRIPT"))
                for alias in e.findall(f"{prefix}_ALIAS"):
                    entry.add_name(
                        _text(alias, "ALIAS_NAME"),
                        weak=_text(alias, "QUALITY").lower() in ("low", "weak"),
                    )
                entry.programs = [p for p in [_text(e, "UN_LIST_TYPE")] if p]
                entry.countries = to_iso_list(
                    _texts(e, "NATIONALITY/VALUE") + _texts(e, f"{prefix}_ADDRESS/COUNTRY")
                )
                for dob in e.findall("INDIVIDUAL_DATE_OF_BIRTH"):
                    if _text(dob, "DATE"):
                        entry.birth_dates += parse_date_text(_text(dob, "DATE"))
                    elif _text(dob, "YEAR"):
                        entry.birth_dates.append(_text(dob, "YEAR"))
                    elif _text(dob, "FROM_YEAR") and _text(dob, "TO_YEAR"):
                        entry.birth_dates += parse_date_text(
                            f"{_text(dob, 'FROM_YEAR')} to {_text(dob, 'TO_YEAR')}"
                        )
                for doc in e.findall("INDIVIDUAL_DOCUMENT"):
                    entry.add_identifier(
                        _text(doc, "TYPE_OF_DOCUMENT").lower().replace(" ", "_") or "document",
                        _text(doc, "NUMBER"),
                    )
                entry.remarks = _text(e, "COMMENTS1")
                entries.append(entry)
    return ParseResult(_finish(entries, label), published)


# --- EU Financial Sanctions Files --------------------------------------------------------------

_EU_ID_TYPES = {
    "imo": "imo",
    "lei": "lei",
    "regnumber": "register",
    "passport": "passport",
    "id": "national_id",
}


def _eu_schema(code: str) -> str:
    """The entry schema from an EU subject type code (XML and CSV use the same codes)."""
    low = code.lower()
    if low in ("p", "person"):
        return "person"
    if low in ("e", "enterprise"):
        return "organisation"
    return "other"


def _eu_whole_name(whole: str | None, *parts: str | None) -> str:
    """An EU name alias: its whole name, else its first, middle and last name joined."""
    return whole or " ".join(p for p in parts if p)


def parse_eu_xml(files: list[tuple[str, bytes]]) -> ParseResult:
    label = "EU XML"
    entries: list[ParsedEntry] = []
    published = ""
    for name, data in files:
        root = parse_xml(data, ["export"], label, name)
        published = published or (root.get("generationDate") or "")[:10]
        for e in root.findall("sanctionEntity"):
            st = e.find("subjectType")
            code = (st.get("classificationCode") or st.get("code") or "") if st is not None else ""
            schema = _eu_schema(code)
            entry = ParsedEntry(
                external_id=e.get("logicalId") or e.get("euReferenceNumber") or "",
                schema=schema,
                names=[],
            )
            for alias in e.findall("nameAlias"):
                whole = _eu_whole_name(
                    alias.get("wholeName"),
                    alias.get("firstName"),
                    alias.get("middleName"),
                    alias.get("lastName"),
                )
                entry.add_name(whole, weak=(alias.get("strong") or "true").lower() == "false")
            for el in e.findall("citizenship") + e.findall("address"):
                c = to_iso(el.get("countryIso2Code") or "")
                if c and c not in entry.countries:
                    entry.countries.append(c)
            for b in e.findall("birthdate"):
                entry.birth_dates += parse_date_text(b.get("birthdate")) or (
                    [b.get("year") or ""] if b.get("year") else []
                )
            for ident in e.findall("identification"):
                kind = (ident.get("identificationTypeCode") or "id").lower()
                entry.add_identifier(_EU_ID_TYPES.get(kind, kind), ident.get("number"))
            entry.programs = [
                r.get("programme") or "" for r in e.findall("regulation") if r.get("programme")
            ]
            entry.remarks = _text(e, "remark")
            entries.append(entry)
    return ParseResult(_finish(entries, label), published)


def _csv_rows(
    data: bytes, label: str, required: list[str], delimiter: str | None = None
) -> list[dict[str, str]]:
    """Rows as dicts keyed by folded header names; the header is the first row naming ``required``."""
    text = _decode(data)
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


def _rows_to_entries(
    rows: list[dict[str, str]],
    build: Callable[[dict[str, str], ParsedEntry | None], ParsedEntry],
    key: str,
) -> list[ParsedEntry]:
    entries: dict[str, ParsedEntry] = {}
    for row in rows:
        ident = row.get(key, "")
        if not ident:
            continue
        entries[ident] = build(row, entries.get(ident))
    return list(entries.values())


def parse_eu_csv(files: list[tuple[str, bytes]]) -> ParseResult:
    label = "EU CSV"
    entries: list[ParsedEntry] = []

    def build(row: dict[str, str], entry: ParsedEntry | None) -> ParsedEntry:
        if entry is None:
            code = row.get("entitysubjecttypeclassificationcode") or row.get(
                "entitysubjecttype", ""
            )
            schema = _eu_schema(code)
            entry = ParsedEntry(external_id=row["entitylogicalid"], schema=schema, names=[])
        whole = _eu_whole_name(
            row.get("namealiaswholename"),
            row.get("namealiasfirstname"),
            row.get("namealiasmiddlename"),
            row.get("namealiaslastname"),
        )
        entry.add_name(whole, weak=row.get("namealiasstrong", "true").lower() == "false")
        for col in ("citizenshipcountryiso2code", "addresscountryiso2code"):
            c = to_iso(row.get(col, ""))
            if c and c not in entry.countries:
                entry.countries.append(c)
        for d in parse_date_text(row.get("birthdatebirthdate")) or (
            [row["birthdateyear"]] if row.get("birthdateyear") else []
        ):
            if d not in entry.birth_dates:
                entry.birth_dates.append(d)
        kind = row.get("identificationtypecode", "").lower()
        entry.add_identifier(_EU_ID_TYPES.get(kind, kind or "id"), row.get("identificationnumber"))
        prog = row.get("entityregulationprogramme", "")
        if prog and prog not in entry.programs:
            entry.programs.append(prog)
        return entry

    for _name, data in files:
        rows = _csv_rows(data, label, ["entitylogicalid", "namealiaswholename"])
        entries += _rows_to_entries(rows, build, "entitylogicalid")
    return ParseResult(_finish(entries, label))


# --- UK Sanctions List (FCDO) ----------------------------------------------------------------

_UK_TYPES = {"individual": "person", "entity": "organisation", "ship": "vessel"}


def parse_uk_xml(files: list[tuple[str, bytes]]) -> ParseResult:
    label = "UK Sanctions List XML"
    entries: list[ParsedEntry] = []
    for name, data in files:
        root = parse_xml(data, ["Designations", "ArrayOfDesignation"], label, name)
        for d in root.iter("Designation"):
            schema = _UK_TYPES.get(_text(d, "IndividualEntityShip").lower(), "other")
            entry = ParsedEntry(external_id=_text(d, "UniqueID"), schema=schema, names=[])
            names = d.findall("Names/Name")
            names.sort(key=lambda n: _text(n, "NameType").lower() != "primary name")
            for n in names:
                parts = [_text(n, f"Name{i}") for i in range(1, 7)]
                entry.add_name(
                    " ".join(p for p in parts if p),
                    weak=_text(n, "AliasStrength").lower() == "weak",
                )
            for script_name in _texts(d, "NonLatinNames/NonLatinName/NameNonLatinScript") + _texts(
                d, "NonLatinNames/NameNonLatinScript"
            ):
                entry.add_name(script_name)
            entry.countries = to_iso_list(
                _texts(d, "Addresses/Address/AddressCountry")
                + _texts(d, "IndividualDetails/Individual/Nationalities/Nationality")
            )
            for dob in _texts(d, "IndividualDetails/Individual/DOBs/DOB"):
                entry.birth_dates += parse_date_text(
                    dob.replace("dd/", "01/").replace("mm/", "01/")
                )
            for imo in _texts(d, "ShipDetails/Ship/IMONumbers/IMONumber"):
                entry.add_identifier("imo", imo)
            entry.programs = _texts(d, "RegimeName")
            entry.remarks = _text(d, "OtherInformation")
            entries.append(entry)
    return ParseResult(_finish(entries, label))


def parse_uk_csv(files: list[tuple[str, bytes]]) -> ParseResult:
    label = "UK Sanctions List CSV"
    entries: list[ParsedEntry] = []

    def build(row: dict[str, str], entry: ParsedEntry | None) -> ParsedEntry:
        if entry is None:
            kind = (
                row.get("designationtype")
                or row.get("individualentityship")
                or row.get("grouptype")
                or ""
            ).lower()
            entry = ParsedEntry(
                external_id=row["uniqueid"], schema=_UK_TYPES.get(kind, "other"), names=[]
            )
        parts = [row.get(f"name{i}", "") for i in range(1, 7)]
        entry.add_name(
            " ".join(p for p in parts if p), weak=row.get("aliasstrength", "").lower() == "weak"
        )
        entry.add_name(row.get("namenonlatinscript", ""))
        for c in to_iso_list(
            [row.get("addresscountry", ""), row.get("nationalityies", row.get("nationality", ""))]
        ):
            if c not in entry.countries:
                entry.countries.append(c)
        for d in parse_date_text(row.get("dob", "")):
            if d not in entry.birth_dates:
                entry.birth_dates.append(d)
        entry.add_identifier("imo", row.get("imonumber", ""))
        regime = row.get("regimename", "")
        if regime and regime not in entry.programs:
            entry.programs.append(regime)
        return entry

    for _name, data in files:
        rows = _csv_rows(data, label, ["uniqueid", "name6"], delimiter=",")
        entries += _rows_to_entries(rows, build, "uniqueid")
    return ParseResult(_finish(entries, label))


# --- OpenSanctions ----------------------------------------------------------------------------

_FTM_SCHEMAS = {
    "person": "person",
    "company": "organisation",
    "organization": "organisation",
    "legalentity": "organisation",
    "publicbody": "organisation",
    "vessel": "vessel",
    "airplane": "aircraft",
}
_FTM_IDS = {
    "leiCode": "lei",
    "imoNumber": "imo",
    "registrationNumber": "register",
    "taxNumber": "tax_id",
    "passportNumber": "passport",
    "idNumber": "national_id",
}


# Bounds of one FollowTheMoney entity: a line longer than this is refused, and of each
# property only the first values are read (OpenSanctions' largest entities carry a few hundred
# names; a value longer than a name ever is is refused).
MAX_FTM_LINE = 1_000_000
MAX_FTM_VALUES = 500
MAX_FTM_VALUE = 2_000
# The FtM properties screening reads.
_FTM_NAMES = ("name", "alias", "previousName")
_FTM_COUNTRIES = ("country", "nationality", "jurisdiction", "citizenship")
_TOO_DEEP = object()


def _ftm_error(name: str, lineno: int, fld: str, problem: str) -> ListFormatError:
    return ListFormatError(
        _("%(file)s line %(line)s, field %(field)s: %(problem)s")
        % {"file": name, "line": lineno, "field": fld, "problem": problem}
    )


def _ftm_values(obj: dict[str, Any], key: str, name: str, lineno: int, prefix: str) -> list[str]:
    """The texts of ``obj[key]`` (a list of strings), at most MAX_FTM_VALUES of them."""
    values = obj.get(key, [])
    if not isinstance(values, list):
        raise _ftm_error(name, lineno, prefix + key, _("expected a list of texts"))
    out = []
    for v in values[:MAX_FTM_VALUES]:
        if not isinstance(v, str):
            raise _ftm_error(name, lineno, prefix + key, _("expected a list of texts"))
        if len(v) > MAX_FTM_VALUE:
            raise _ftm_error(
                name,
                lineno,
                prefix + key,
                _("a value is longer than %(limit)s characters") % {"limit": MAX_FTM_VALUE},
            )
        out.append(v)
    return out


def _ftm_objects(name: str, data: bytes) -> Iterable[tuple[int, dict[str, Any]]]:
    """(line number, entity) of a JSON-lines file, each line bounded and read with orjson."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for lineno, line in enumerate(data.split(b"\n"), 1):
        line = line.strip(b" \t\r\x1a")
        if not line:
            continue
        if len(line) > MAX_FTM_LINE:
            raise ListFormatError(
                _("%(file)s line %(line)s: the entity is larger than %(limit)s bytes.")
                % {"file": name, "line": lineno, "limit": MAX_FTM_LINE}
            )
        try:
            obj = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            if "depth" not in exc.msg and "recursion" not in exc.msg:
                raise ListFormatError(
                    _("%(file)s line %(line)s is not JSON: %(error)s")
                    % {"file": name, "line": lineno, "error": exc.msg}
                ) from exc
            obj = _TOO_DEEP  # orjson's own limit (1,024 levels): deeper than ours in any case.
        if obj is _TOO_DEEP or json_depth(obj) > MAX_JSON_DEPTH:
            raise ListFormatError(
                _("%(file)s line %(line)s: the JSON is nested deeper than %(limit)s levels.")
                % {"file": name, "line": lineno, "limit": MAX_JSON_DEPTH}
            )
        if not isinstance(obj, dict) or "schema" not in obj or "properties" not in obj:
            raise ListFormatError(
                _("%(file)s line %(line)s is not a FollowTheMoney entity (no schema/properties).")
                % {"file": name, "line": lineno}
            )
        yield lineno, obj


def _ftm_entries(files: list[tuple[str, bytes]], *, pep: bool) -> list[ParsedEntry]:
    entries: list[ParsedEntry] = []
    for name, data in files:
        for lineno, obj in _ftm_objects(name, data):
            if not isinstance(obj["schema"], str):
                raise _ftm_error(name, lineno, "schema", _("expected a text"))
            schema = _FTM_SCHEMAS.get(obj["schema"].lower())
            if schema is None:
                continue  # Sanctions, positions, addresses, ownership: not screenable by themselves.
            props = obj["properties"]
            if not isinstance(props, dict):
                raise _ftm_error(name, lineno, "properties", _("expected an object"))
            ident = obj.get("id")
            if not isinstance(ident, str) or not ident.strip() or len(ident) > 128:
                raise _ftm_error(name, lineno, "id", _("expected a text of 1 to 128 characters"))

            def values(key: str) -> list[str]:
                return _ftm_values(props, key, name, lineno, "properties.")  # noqa: B023

            entry = ParsedEntry(external_id=ident.strip(), schema=schema, names=[])
            for key in _FTM_NAMES:
                for n in values(key):
                    entry.add_name(n)
            for n in values("weakAlias"):
                entry.add_name(n, weak=True)
            entry.countries = to_iso_list([c for key in _FTM_COUNTRIES for c in values(key)])
            for d in values("birthDate"):
                entry.birth_dates += parse_date_text(d) or ([d[:4]] if d[:4].isdigit() else [])
            for prop, kind in _FTM_IDS.items():
                for v in values(prop):
                    entry.add_identifier(kind, v)
            datasets = _ftm_values(obj, "datasets", name, lineno, "")
            topics = values("topics")
            # A PEP list keeps what makes the person exposed (role.pep, role.rca ...) and the
            # positions held; a sanctions list its programmes.
            entry.programs = (topics + values("position")) if pep else values("program")
            entry.programs += datasets
            entries.append(entry)
    return entries


def parse_ftm(files: list[tuple[str, bytes]]) -> ParseResult:
    return ParseResult(_finish(_ftm_entries(files, pep=False), "FollowTheMoney JSON lines"))


def parse_ftm_pep(files: list[tuple[str, bytes]]) -> ParseResult:
    """OpenSanctions' PEP data (``peps/entities.ftm.json``): persons and the positions they hold."""
    return ParseResult(_finish(_ftm_entries(files, pep=True), "FollowTheMoney JSON lines (PEP)"))


def parse_opensanctions_csv(files: list[tuple[str, bytes]]) -> ParseResult:
    label = "OpenSanctions targets.simple.csv"
    entries: list[ParsedEntry] = []
    for _name, data in files:
        for row in _csv_rows(data, label, ["id", "schema", "name", "aliases"], delimiter=","):
            schema = _FTM_SCHEMAS.get(row.get("schema", "").lower())
            if schema is None:
                continue
            entry = ParsedEntry(external_id=row["id"], schema=schema, names=[])
            entry.add_name(row.get("name"))
            for a in row.get("aliases", "").split(";"):
                entry.add_name(a)
            entry.countries = to_iso_list(row.get("countries", "").split(";"))
            for d in row.get("birthdate", "").split(";"):
                entry.birth_dates += parse_date_text(d) or ([d[:4]] if d[:4].isdigit() else [])
            for ident in row.get("identifiers", "").split(";"):
                entry.add_identifier("id", ident)
            entry.programs = [p for p in row.get("dataset", "").split(";") if p]
            entries.append(entry)
    return ParseResult(_finish(entries, label))


PARSERS: dict[str, Callable[[list[tuple[str, bytes]]], ParseResult]] = {
    "eu-xml": parse_eu_xml,
    "eu-csv": parse_eu_csv,
    "un-xml": parse_un_xml,
    "ofac-csv": parse_ofac_csv,
    "ofac-xml": parse_ofac_xml,
    "uk-xml": parse_uk_xml,
    "uk-csv": parse_uk_csv,
    "ftm": parse_ftm,
    "ftm-pep": parse_ftm_pep,
    "opensanctions-csv": parse_opensanctions_csv,
}

DEFAULT_LIST_KEYS = {
    "eu-xml": ("eu", "EU Financial Sanctions"),
    "eu-csv": ("eu", "EU Financial Sanctions"),
    "un-xml": ("un", "UN Security Council Consolidated List"),
    "ofac-csv": ("ofac-sdn", "OFAC SDN"),
    "ofac-xml": ("ofac-sdn", "OFAC SDN"),
    "uk-xml": ("uk", "UK Sanctions List"),
    "uk-csv": ("uk", "UK Sanctions List"),
    "ftm": ("opensanctions", "OpenSanctions"),
    "ftm-pep": ("opensanctions-peps", "OpenSanctions PEPs"),
    "opensanctions-csv": ("opensanctions", "OpenSanctions"),
}


# The kind of list a format's files make (``ListKind``); every other format is a sanctions list.
FORMAT_KINDS = {"ftm-pep": "pep"}


def parse(fmt: str, files: list[tuple[str, bytes]]) -> ParseResult:
    """Parse ``files`` (name, bytes) of one list in format ``fmt``."""
    if fmt not in PARSERS:
        raise ListFormatError(
            _("Unknown list format %(fmt)s; known: %(known)s.")
            % {"fmt": fmt, "known": ", ".join(PARSERS)}
        )
    try:
        return PARSERS[fmt](files)
    except ListFormatError:
        raise
    except (csv.Error, UnicodeDecodeError, KeyError, IndexError) as exc:
        raise ListFormatError(
            _("The file could not be read as %(fmt)s: %(error)s") % {"fmt": fmt, "error": exc}
        ) from exc


def today() -> str:
    return dt.date.today().isoformat()
