"""OpenSanctions' formats: FollowTheMoney JSON lines (sanctions and PEP data) and the
targets.simple.csv export, read into the same ``ParsedEntry`` records as the official lists.
"""

from collections.abc import Iterable
from typing import Any

import orjson
from django.utils.translation import gettext as _

from verbund.compliance.countries import to_iso_list
from verbund.compliance.list_files import (
    ListFormatError,
    ParsedEntry,
    ParseResult,
    csv_rows,
    finish_entries,
    parse_date_text,
)
from verbund.core.security import MAX_JSON_DEPTH, json_depth

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
    return ParseResult(finish_entries(_ftm_entries(files, pep=False), "FollowTheMoney JSON lines"))


def parse_ftm_pep(files: list[tuple[str, bytes]]) -> ParseResult:
    """OpenSanctions' PEP data (``peps/entities.ftm.json``): persons and the positions they hold."""
    return ParseResult(
        finish_entries(_ftm_entries(files, pep=True), "FollowTheMoney JSON lines (PEP)")
    )


def parse_opensanctions_csv(files: list[tuple[str, bytes]]) -> ParseResult:
    label = "OpenSanctions targets.simple.csv"
    entries: list[ParsedEntry] = []
    for _name, data in files:
        for row in csv_rows(data, label, ["id", "schema", "name", "aliases"], delimiter=","):
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
    return ParseResult(finish_entries(entries, label))
