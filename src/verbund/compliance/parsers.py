"""Parsers for every supported list format, each producing the same ``ParsedEntry`` records.

XML is read with defusedxml only: entity declarations (billion laughs), external entities
and DTD tricks are refused. A file that does not parse, or parses but is not the format it
was declared as, raises ``ListFormatError`` with a message for the user; nothing is written.
"""

import csv
import datetime as dt
import io
import re
from collections.abc import Callable

from django.utils.translation import gettext as _

from verbund.compliance.countries import to_iso, to_iso_list
from verbund.compliance.list_files import (
    ListFormatError,
    ParsedEntry,
    ParseResult,
    child_text,
    child_texts,
    csv_rows,
    decode_text,
    finish_entries,
    parse_date_text,
    parse_xml,
)
from verbund.compliance.opensanctions import parse_ftm, parse_ftm_pep, parse_opensanctions_csv

__all__ = [
    "DEFAULT_LIST_KEYS",
    "FORMAT_KINDS",
    "PARSERS",
    "ListFormatError",
    "ParseResult",
    "ParsedEntry",
    "parse",
    "parse_date_text",
    "parse_xml",
]


_OFAC_EMPTY = "-0-"
_OFAC_TYPES = {
    "individual": "person",
    "vessel": "vessel",
    "aircraft": "aircraft",
    "": "organisation",
}
# A register or tax number runs to the country in brackets or the next fact, spaces and all: a
# VAT number is often written with a space after its country code ("DE 313145928"), a German
# register number after its court's register ("HRB 12345"), a Cyprus one after its letters
# ("HE 130354"), a Swiss tax number with dots ("CHE-309.513.960"), a German one with slashes
# ("08/666/09768"), a Brazilian CNPJ with both ("35.116.112/0001-97"). Some are preceded by
# the number's name ("RIF J-31069374-9", Venezuela) or a Turkish tax office ("Sisli
# TA/0690472808"), or followed by a town ("6000845 Nabatieh"): not part of the number.
_WRITTEN_ID = '([^;()",]+)'
_ID_NAMES = frozenset(["RIF", "NIT", "RUC", "RFC", "CUIT", "INN", "TIN", "VAT"])


def _is_place(word: str) -> bool:
    return len(word) >= 3 and word.isalpha() and not word.isupper()


def _written_id(written: str) -> str:
    """A number as written in OFAC's remarks, without its name, office or town, unspaced."""
    words = written.strip().rstrip(".").split()
    if len(words) > 1 and (words[0] in _ID_NAMES or _is_place(words[0])):
        words = words[1:]
    if len(words) > 1 and _is_place(words[-1]):
        words = words[:-1]
    return "".join(words)


# In this order (an entry's identifiers are part of its content hash).
_REMARK_IDS = [
    (re.compile(r"IMO (\d{7})"), "imo"),
    (re.compile(r"Legal Entity Number ([A-Z0-9]{20})"), "lei"),
    (re.compile(r"Registration (?:Number|ID) " + _WRITTEN_ID), "register"),
    (re.compile(r"Passport ([\w\-]+)"), "passport"),
    (re.compile(r"National ID No\. ([\w\-]+)"), "national_id"),
    (re.compile(r"Tax ID No\. " + _WRITTEN_ID), "tax_id"),
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
            entry.add_identifier(kind, _written_id(m.group(1)))
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
            r for r in csv.reader(io.StringIO(decode_text(data))) if r and any(c.strip() for c in r)
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
    return ParseResult(finish_entries(list(entries.values()), label))


# --- OFAC classic XML (sdn.xml) ---------------------------------------------------------------


def parse_ofac_xml(files: list[tuple[str, bytes]]) -> ParseResult:
    label = "OFAC XML"
    entries: list[ParsedEntry] = []
    published = ""
    for name, data in files:
        root = parse_xml(data, ["sdnList"], label, name)
        published = published or child_text(root, "publshInformation/Publish_Date")
        for e in root.findall("sdnEntry"):
            kind = child_text(e, "sdnType").lower()
            schema = {
                "individual": "person",
                "entity": "organisation",
                "vessel": "vessel",
                "aircraft": "aircraft",
            }.get(kind, "other")
            entry = ParsedEntry(external_id=child_text(e, "uid"), schema=schema, names=[])
            entry.add_name(f"{child_text(e, 'firstName')} {child_text(e, 'lastName')}")
            for aka in e.findall("akaList/aka"):
                entry.add_name(
                    f"{child_text(aka, 'firstName')} {child_text(aka, 'lastName')}",
                    weak=child_text(aka, "category").lower() == "weak",
                )
            entry.programs = child_texts(e, "programList/program")
            for ident in e.findall("idList/id"):
                kind_text = child_text(ident, "idType").lower()
                code = (
                    "imo"
                    if "imo" in kind_text
                    else "lei"
                    if "legal entity" in kind_text
                    else "register"
                    if "registration" in kind_text
                    else kind_text.replace(" ", "_")
                )
                entry.add_identifier(code, child_text(ident, "idNumber"))
            for path in (
                "addressList/address/country",
                "nationalityList/nationality/country",
                "citizenshipList/citizenship/country",
            ):
                entry.countries += [
                    c for c in to_iso_list(child_texts(e, path)) if c not in entry.countries
                ]
            for dob in child_texts(e, "dateOfBirthList/dateOfBirthItem/dateOfBirth"):
                entry.birth_dates += parse_date_text(dob)
            entry.remarks = child_text(e, "remarks")
            entries.append(entry)
    return ParseResult(finish_entries(entries, label), published)


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
                ref = child_text(e, "REFERENCE_NUMBER") or child_text(e, "DATAID")
                entry = ParsedEntry(external_id=ref, schema=schema, names=[])
                entry.add_name(
                    " ".join(
                        child_text(e, p)
                        for p in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
                        if child_text(e, p)
                    )
                )
                entry.add_name(child_text(e, "NAME_ORIGINAL_SCRIPT"))
                for alias in e.findall(f"{prefix}_ALIAS"):
                    entry.add_name(
                        child_text(alias, "ALIAS_NAME"),
                        weak=child_text(alias, "QUALITY").lower() in ("low", "weak"),
                    )
                entry.programs = [p for p in [child_text(e, "UN_LIST_TYPE")] if p]
                entry.countries = to_iso_list(
                    child_texts(e, "NATIONALITY/VALUE")
                    + child_texts(e, f"{prefix}_ADDRESS/COUNTRY")
                )
                for dob in e.findall("INDIVIDUAL_DATE_OF_BIRTH"):
                    if child_text(dob, "DATE"):
                        entry.birth_dates += parse_date_text(child_text(dob, "DATE"))
                    elif child_text(dob, "YEAR"):
                        entry.birth_dates.append(child_text(dob, "YEAR"))
                    elif child_text(dob, "FROM_YEAR") and child_text(dob, "TO_YEAR"):
                        entry.birth_dates += parse_date_text(
                            f"{child_text(dob, 'FROM_YEAR')} to {child_text(dob, 'TO_YEAR')}"
                        )
                for doc in e.findall("INDIVIDUAL_DOCUMENT"):
                    entry.add_identifier(
                        child_text(doc, "TYPE_OF_DOCUMENT").lower().replace(" ", "_") or "document",
                        child_text(doc, "NUMBER"),
                    )
                entry.remarks = child_text(e, "COMMENTS1")
                entries.append(entry)
    return ParseResult(finish_entries(entries, label), published)


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
            entry.remarks = child_text(e, "remark")
            entries.append(entry)
    return ParseResult(finish_entries(entries, label), published)


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
        rows = csv_rows(data, label, ["entitylogicalid", "namealiaswholename"])
        entries += _rows_to_entries(rows, build, "entitylogicalid")
    return ParseResult(finish_entries(entries, label))


# --- UK Sanctions List (FCDO) ----------------------------------------------------------------

_UK_TYPES = {"individual": "person", "entity": "organisation", "ship": "vessel"}


def parse_uk_xml(files: list[tuple[str, bytes]]) -> ParseResult:
    label = "UK Sanctions List XML"
    entries: list[ParsedEntry] = []
    for name, data in files:
        root = parse_xml(data, ["Designations", "ArrayOfDesignation"], label, name)
        for d in root.iter("Designation"):
            schema = _UK_TYPES.get(child_text(d, "IndividualEntityShip").lower(), "other")
            entry = ParsedEntry(external_id=child_text(d, "UniqueID"), schema=schema, names=[])
            names = d.findall("Names/Name")
            names.sort(key=lambda n: child_text(n, "NameType").lower() != "primary name")
            for n in names:
                parts = [child_text(n, f"Name{i}") for i in range(1, 7)]
                entry.add_name(
                    " ".join(p for p in parts if p),
                    weak=child_text(n, "AliasStrength").lower() == "weak",
                )
            for script_name in child_texts(
                d, "NonLatinNames/NonLatinName/NameNonLatinScript"
            ) + child_texts(d, "NonLatinNames/NameNonLatinScript"):
                entry.add_name(script_name)
            entry.countries = to_iso_list(
                child_texts(d, "Addresses/Address/AddressCountry")
                + child_texts(d, "IndividualDetails/Individual/Nationalities/Nationality")
            )
            for dob in child_texts(d, "IndividualDetails/Individual/DOBs/DOB"):
                entry.birth_dates += parse_date_text(
                    dob.replace("dd/", "01/").replace("mm/", "01/")
                )
            for imo in child_texts(d, "ShipDetails/Ship/IMONumbers/IMONumber"):
                entry.add_identifier("imo", imo)
            entry.programs = child_texts(d, "RegimeName")
            entry.remarks = child_text(d, "OtherInformation")
            entries.append(entry)
    return ParseResult(finish_entries(entries, label))


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
        rows = csv_rows(data, label, ["uniqueid", "name6"], delimiter=",")
        entries += _rows_to_entries(rows, build, "uniqueid")
    return ParseResult(finish_entries(entries, label))


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
