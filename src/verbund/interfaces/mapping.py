"""Column mappings: which file column feeds which Verbund field, per source, as TOML.

A mapping is a preset name (``generic``, ``sap``) or the path of a TOML file of the same
shape (see ``mappings/*.toml``); a file may say ``extends = "generic"`` to start from a preset.
Column names match case-insensitively and with surrounding spaces ignored.

``extends`` names a preset or a mapping file inside the import folder (``VERBUND_IMPORT_DIR``;
a relative name is taken from there): mapping files come in through uploads, and an
``extends`` naming any file would read any file the server can read.
"""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from verbund.interfaces.parsers import ImportFileError, ReadOptions

PRESET_DIR = Path(__file__).resolve().parent / "mappings"
PRESETS = sorted(p.stem for p in PRESET_DIR.glob("*.toml"))

PARTY_FIELDS = [
    "external_id", "kind", "name", "name2", "name3", "legal_form", "salutation", "title", "first_name",
    "last_name", "position", "birth_date", "street", "postcode", "city", "country", "vat_id", "lei",
    "register_number", "phone", "email", "website", "status",
]  # fmt: skip
PARTY_REFERENCES = ["parent", "main_address"]
PARTY_EXTRA = ["parent_share"]
RELATIONSHIP_FIELDS = [
    "external_id",
    "type",
    "from",
    "to",
    "valid_from",
    "valid_to",
    "share",
    "note",
]
# The model field a relationship field fills where the names differ: an import reports
# ``from``/``to`` where the actions and the API name ``from_party``/``to_party``.
RELATIONSHIP_MODEL_FIELDS = {"from": "from_party", "to": "to_party"}
REVENUE_FIELDS = ["party", "settled_by", "month", "amount", "currency", "reference"]
FIELDS = {
    "parties": PARTY_FIELDS + PARTY_REFERENCES + PARTY_EXTRA,
    "relationships": RELATIONSHIP_FIELDS,
    "revenue": REVENUE_FIELDS,
}
REQUIRED = {
    "parties": ["external_id"],
    "relationships": ["type", "from", "to"],
    "revenue": ["party", "month", "amount"],
}


@dataclass
class PartnerFunctions:
    customer: str
    function: str
    partner: str
    sold_to: list[str]
    ship_to: list[str]
    bill_to: list[str]
    payer: list[str]


@dataclass
class Mapping:
    name: str
    read: ReadOptions
    numbers: str = "auto"
    dates: str = "auto"
    columns: dict[str, dict[str, str]] = field(
        default_factory=dict
    )  # kind -> {column(lower): field}
    type_values: dict[str, str] = field(default_factory=dict)  # relationship type aliases
    partner_functions: PartnerFunctions | None = None
    description: str = ""

    def resolve(
        self, kind: str, header: list[str], file_name: str, *, partial: bool = False
    ) -> dict[str, str]:
        """Map the file's header to fields: {column as in file: field}. Raises naming missing
        columns, once for the file. ``partial``: API records, where a missing key keeps the
        stored value (a party batch may leave out the name) or, for a required field, is an
        error of each record without it, as an empty value is: a batch is answered record by
        record, whether one record or all of them lack the key."""
        wanted = self.columns.get(kind, {})
        result: dict[str, str] = {}
        taken: set[str] = set()
        for col in header:
            target = wanted.get(col.strip().lower())
            if target and target not in taken:
                result[col] = target
                taken.add(target)
        if partial:
            return result
        required = list(REQUIRED[kind])
        # A party needs a name; a person's may come from first and last name.
        named = "last_name" in taken or self.partner_functions is not None
        if kind == "parties" and not named:
            required.append("name")
        missing = [f for f in required if f not in taken]
        if missing:
            # The columns that feed a field besides one named like it ("external_id (id)").
            names = {f: [c for c, t in wanted.items() if t == f and c != f] for f in missing}
            raise ImportFileError(
                _("%(file)s, row 1: required column missing: %(columns)s (mapping %(mapping)s).")
                % {
                    "file": file_name,
                    "columns": ", ".join(
                        f"{f} ({' / '.join(names[f])})" if names[f] else f for f in missing
                    ),
                    "mapping": self.name,
                }
            )
        return result


def _confined(ref: str) -> Path:
    """The file an ``extends`` names, if it lies inside the import folder (links resolved)."""
    folder = Path(settings.VERBUND_IMPORT_DIR).resolve()
    path = (folder / ref).resolve()  # an absolute ``ref`` replaces the folder
    if not path.is_relative_to(folder):
        raise ImportFileError(
            _(
                "Mapping %(ref)s: extends may name only a preset (%(presets)s) or a mapping file in the import folder."
            )
            % {"ref": ref, "presets": ", ".join(PRESETS)}
        )
    return path


def _load_toml(ref: str, *, confined: bool = False) -> tuple[dict[str, Any], str]:
    path = Path(ref)
    if ref in PRESETS:
        path = PRESET_DIR / f"{ref}.toml"
    elif confined:
        path = _confined(ref)
    if ref not in PRESETS and not path.is_file():
        raise ImportFileError(
            _("Unknown mapping %(ref)s: neither a preset (%(presets)s) nor a file.")
            % {"ref": ref, "presets": ", ".join(PRESETS)}
        )
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh), path.stem
    except tomllib.TOMLDecodeError as exc:
        raise ImportFileError(
            _("Mapping %(ref)s is not valid TOML: %(reason)s") % {"ref": ref, "reason": exc}
        ) from None


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def load_mapping(ref: str | None = None) -> Mapping:
    data, stem = _load_toml(ref or "generic")
    seen = {stem}
    while isinstance(data.get("extends"), str):
        base_ref = data.pop("extends")
        base, base_stem = _load_toml(base_ref, confined=True)
        if base_stem in seen:
            break
        seen.add(base_stem)
        data = _merge(base, data)
    read = data.get("read", {})
    columns: dict[str, dict[str, str]] = {}
    errors: list[str] = []
    for kind, allowed in FIELDS.items():
        section = data.get(kind, {})
        cols: dict[str, str] = {}
        for col, target in section.items():
            if isinstance(target, dict):
                continue
            if target not in allowed:
                errors.append(f"[{kind}] {col} = {target}")
            cols[str(col).strip().lower()] = str(target)
        columns[kind] = cols
    if errors:
        raise ImportFileError(
            _("Mapping %(ref)s names unknown fields: %(fields)s")
            % {"ref": ref, "fields": "; ".join(errors)}
        )
    pf = data.get("partner_functions")
    partner_functions = None
    if isinstance(pf, dict):
        partner_functions = PartnerFunctions(
            customer=pf.get("customer", "KUNNR"),
            function=pf.get("function", "PARVW"),
            partner=pf.get("partner", "KUNN2"),
            sold_to=[v.upper() for v in pf.get("sold_to", ["AG", "SP"])],
            ship_to=[v.upper() for v in pf.get("ship_to", ["WE", "SH"])],
            bill_to=[v.upper() for v in pf.get("bill_to", ["RE", "BP"])],
            payer=[v.upper() for v in pf.get("payer", ["RG", "PY"])],
        )
    types = data.get("relationships", {}).get("types", {})
    return Mapping(
        name=str(data.get("name", stem)),
        description=str(data.get("description", "")),
        read=ReadOptions(
            encoding=str(read.get("encoding", "auto")), delimiter=str(read.get("delimiter", "auto"))
        ),
        numbers=str(read.get("numbers", "auto")),
        dates=str(read.get("dates", "auto")),
        columns=columns,
        type_values={str(k).upper(): str(v) for k, v in types.items()},
        partner_functions=partner_functions,
    )
