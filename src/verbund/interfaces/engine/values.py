"""How the import reads and compares values: file spellings of choices, text forms, shares."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from verbund.interfaces.mapping import PARTY_FIELDS as MAPPED_PARTY_FIELDS
from verbund.interfaces.parsers import parse_decimal
from verbund.parties.models import PartyKind, PartyStatus
from verbund.relationships import rules as relationship_rules
from verbund.relationships.models import RelationshipType

# The party columns an import fills, in the order rows carry them.
PARTY_FIELDS = [f for f in MAPPED_PARTY_FIELDS if f != "external_id"]
# A link's values as a run compares them and its report samples them, in this order.
LINK_VALUES = ("valid_from", "valid_to", "share", "note")
CREATE_DEFAULTS = {"kind": PartyKind.ORGANISATION, "status": PartyStatus.CUSTOMER, "country": "DE"}


def _choice_lookup(choices: Any, extra: dict[str, str]) -> dict[str, str]:
    table = dict(extra)
    for value, label in choices:
        table[str(value).lower()] = value
        for lang in ("de", "en"):
            with translation.override(lang):
                table[str(label).lower()] = value
    return table


# What files write for a kind or a status (values, labels in both languages, ERP spellings).
KIND_VALUES = _choice_lookup(
    PartyKind.choices,
    {"org": "organisation", "organization": "organisation", "o": "organisation", "firma": "organisation", "company": "organisation",
     "unternehmen": "organisation", "p": "person", "kontakt": "person", "contact": "person"},
)  # fmt: skip
STATUS_VALUES = _choice_lookup(PartyStatus.choices, {})


def text(value: Any) -> str:
    """A stored value as the import compares it: text, dates in ISO form, NULL as empty."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def db_date(value: dt.date | None) -> Any:
    return value.isoformat() if value is not None else None


def as_date(value: Any) -> dt.date | None:
    """A date column's value (SQLite gives text)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def not_a_date(value: str) -> str:
    return _("%(value)s is not a date (31.12.2025 or 2025-12-31).") % {"value": value}


def parse_share(
    value: str, numbers: str, rtype: RelationshipType | None = None
) -> tuple[str, str | None]:
    """A share as written in a file (``12,5`` or ``12.5``): its canonical text and the message
    of the share rule it breaks (``relationships.rules``; with ``rtype``, whether the type
    carries a share at all), or None."""
    try:
        share = parse_decimal(value, numbers)
    except ValueError:
        return value, relationship_rules.not_a_number(value)
    if rtype is None:
        message = relationship_rules.share_range_error(share)
    else:
        message = relationship_rules.share_error(share, rtype.carries_share, rtype.name)
    return (value, message) if message else (relationship_rules.share_key(share), None)
