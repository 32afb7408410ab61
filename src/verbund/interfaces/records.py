"""What one record of a sync batch (``/api/v1/sync/<kind>``) holds, as a JSON schema.

A batch goes through the import with the ``generic`` mapping, so a record's keys are that
mapping's columns for the kind (``mapping.FIELDS`` with aliases such as ``id``), and each
column takes the form of the field it feeds, as the import's rules check it. The import
requires ``mapping.REQUIRED`` in each record (a record without one is refused on its own,
naming the field, as one with an empty value; a party batch may leave out the name: a missing
key keeps the stored value) and ignores keys that feed no field.

The schema states a value's canonical form, text: the import also takes a JSON number,
true/false or null (as empty) for any field, and keys in any case. A JSON object or list is
no field's value: the record is refused naming the field.
"""

from functools import cache
from typing import Any

from verbund.core.countries import ISO_COUNTRIES
from verbund.core.schema import one_of
from verbund.interfaces.engine.party_rows import KEY_LIMIT as PARTY_KEY_LIMIT
from verbund.interfaces.engine.values import KIND_VALUES, STATUS_VALUES
from verbund.interfaces.mapping import REQUIRED, load_mapping
from verbund.interfaces.models import ImportKind
from verbund.interfaces.revenue import REFERENCE_LIMIT
from verbund.parties import rules as party_rules
from verbund.relationships import rules as relationship_rules
from verbund.revenue import rules as revenue_rules
from verbund.revenue.periods import MONTH_PATTERN

# Not blank: the import strips a value and reports an empty required one.
FILLED = {"pattern": r"\S"}
DATE = {"format": "date"}


def _or_empty(pattern: str) -> dict[str, str]:
    """A pattern that an empty value (no value, the field's default) also matches."""
    return {"pattern": f"^$|{pattern}"}


def _choices(table: dict[str, str]) -> dict[str, Any]:
    """A choice as the import reads it (``engine.values``), or empty for the default."""
    return one_of("", *sorted(table))


# Each field's form beyond text, by the rule the import checks it with; a field not named
# here is text (within the stored length, for a party).
FORMS: dict[str, dict[str, dict[str, Any]]] = {
    ImportKind.PARTIES: {
        "external_id": {**FILLED, "maxLength": PARTY_KEY_LIMIT},
        "kind": _choices(KIND_VALUES),
        "status": _choices(STATUS_VALUES),
        "country": one_of("", *sorted(ISO_COUNTRIES)),
        "vat_id": _or_empty(party_rules.VAT_ID_FORM.pattern),
        "lei": _or_empty(party_rules.LEI_FORM.pattern),
        "email": {"format": "email"},
        "birth_date": DATE,
        "parent_share": _or_empty(relationship_rules.SHARE_PATTERN),
    },
    ImportKind.RELATIONSHIPS: {
        "type": FILLED,
        "from": FILLED,
        "to": FILLED,
        "valid_from": DATE,
        "valid_to": DATE,
        "share": _or_empty(relationship_rules.SHARE_PATTERN),
    },
    ImportKind.REVENUE: {
        "party": FILLED,
        "month": {"pattern": MONTH_PATTERN},
        "amount": {"pattern": rf"^-?[0-9]{{1,{revenue_rules.AMOUNT_WHOLE_DIGITS}}}(?:\.[0-9]+)?$"},
        "currency": _or_empty("^[A-Za-z]{3}$"),
        "reference": {"maxLength": REFERENCE_LIMIT},
    },
}


def _form(kind: str, field: str) -> dict[str, Any]:
    form = {"type": "string", **FORMS[kind].get(field, {})}
    limit = party_rules.CHAR_LIMITS.get(field) if kind == ImportKind.PARTIES else None
    if limit is not None:
        form.setdefault("maxLength", limit)
    return form


@cache
def _columns(kind: str) -> dict[str, str]:
    """The keys a ``kind`` record may hold (lower case), each with the field it feeds."""
    return load_mapping("generic").columns[kind]


def by_field(kind: str, record: dict[str, Any]) -> dict[str, Any]:
    """The record with each key that feeds a field named as the field (``id`` and ``ID`` as
    ``external_id``; the first such key wins, as in a file's header). The import takes one
    column per field for the whole batch: a batch whose records name a field differently
    would otherwise lose the field in all records but those keyed like the first."""
    named: dict[str, Any] = {}
    for key, value in record.items():
        field = _columns(kind).get(str(key).strip().lower())
        if field is None:
            named[key] = value
        elif field not in named:
            named[field] = value
    return named


def record_schema(kind: str) -> dict[str, Any]:
    """The JSON schema of one record of a ``kind`` batch."""
    columns = _columns(kind)
    required: list[str] = []
    alternatives: list[dict[str, Any]] = []
    for field in REQUIRED[kind]:
        feeding = [column for column, target in columns.items() if target == field]
        if len(feeding) == 1:
            required += feeding
        else:  # a field with aliases ("id" for "external_id"): one of them
            alternatives.append({"anyOf": [{"required": [column]} for column in feeding]})
    schema: dict[str, Any] = {
        "type": "object",
        "description": "Keys in any case; a key that feeds no field is ignored. A number, "
        "true/false or null (as empty) is taken as text; besides the forms given here, dates "
        "and amounts may be written German style (31.12.2025, 1.234,56). A record the import "
        "refuses (a required key missing or empty, a JSON object or list as a value, a value "
        "a rule refuses) is answered `error` with its errors, each naming the field; the "
        "request is a 400 only when it is no batch (no source, no list of records, more "
        "than 10,000) or holds a NUL character, which no database stores.",
        "properties": {column: _form(kind, field) for column, field in columns.items()},
        # The import ignores a key that feeds no field.
        "additionalProperties": True,
    }
    if required:
        schema["required"] = required
    if alternatives:
        schema["allOf"] = alternatives
    return schema
