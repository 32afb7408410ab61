"""What the screening engine (``matching``) keeps of list entries and their names, and what it
takes and gives: a party as a ``Query``, a ``Match``. Imported from ``matching`` by callers."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from verbund.compliance.matching_order import NameParts
from verbund.compliance.matching_text import PERSON


def can_match(person: bool, schema: str) -> bool:
    """Whether a person's (or a company's) name is screened against a list entry of
    ``schema``: a person's against persons, a company's against all but persons, both against
    entries of no known kind ("other")."""
    return schema == "other" or person == (schema == PERSON)


@dataclass
class EntryRecord:
    """What the engine keeps of a list entry."""

    list_id: int
    entry_id: int
    external_id: str
    content_hash: str
    schema: str
    name: str
    countries: frozenset[str]
    birth_dates: tuple[str, ...]
    identifiers: tuple[tuple[str, str], ...]


@dataclass
class NameRecord:
    entry: int
    name: str
    tokens: tuple[int, ...]
    weak: bool
    total_weight: float
    # A person's given and family name where the list name says which is which (matching_order).
    parts: NameParts | None = None
    max_weight: float = 0.0
    # Weak because a given name is in another form ("Bibi" for "Benjamin"), not by the list.
    short_form: bool = False
    # The words as this name writes them ("DJ", where ``Index.raw`` may hold the "Y" listed first).
    raw: tuple[str, ...] = ()


@dataclass
class Query:
    """A party as the engine sees it."""

    kind: str
    names: Sequence[str]
    country: str = ""
    birth_date: dt.date | None = None
    identifiers: Sequence[str] = ()
    # A person's given and family name as the CRM holds them (both, or the order is unknown).
    given: str = ""
    family: str = ""


@dataclass
class Match:
    entry: EntryRecord
    score: float
    matched_name: str
    explanation: dict[str, Any] = field(default_factory=dict)
