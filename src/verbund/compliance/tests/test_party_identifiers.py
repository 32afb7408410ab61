"""What of a party besides its name screening compares: its LEI, register number and VAT id."""

import hashlib
from collections.abc import Callable
from typing import Any

import pytest

from verbund.compliance import screening
from verbund.compliance.matching import EntryRecord, Index

pytestmark = pytest.mark.django_db


def _listing(kind: str, value: str) -> Index:
    rec = EntryRecord(
        list_id=1, entry_id=1, external_id="1", content_hash="h", schema="organisation",
        name="OOO NEFTEGAZ TRADING", countries=frozenset(["RU"]), birth_dates=(),
        identifiers=((kind, value),),
    )  # fmt: skip
    return Index([(rec, [{"name": rec.name, "weak": False}])])


def test_a_vat_id_the_list_carries_finds_the_entry_under_another_name(
    org: Callable[..., Any],
) -> None:
    party = org("Handelskontor Ost GmbH")
    party.vat_id = "7707 083 893"
    row = screening.PartyRow.of(party)

    [match] = _listing("tax_id", "7707083893").screen(screening.query_for(row), 0.7)

    assert match.score >= 0.98
    assert match.explanation["qualifiers"] == [
        {"kind": "identifier", "effect": "match", "detail": "7707 083 893"}
    ]
    party.vat_id = ""
    assert (
        _listing("tax_id", "7707083893").screen(
            screening.query_for(screening.PartyRow.of(party)), 0.7
        )
        == []
    )


def test_the_fingerprint_of_a_party_without_a_vat_id_is_the_one_before_vat_ids_counted(
    org: Callable[..., Any],
) -> None:
    party = org("Handelskontor Ost GmbH")
    row = screening.PartyRow.of(party)
    before = "|".join(
        str(getattr(party, c) or "")
        for c in ("kind", "name", "name2", "first_name", "last_name", "country", "birth_date", "lei", "register_number")
    )  # fmt: skip
    assert screening.fingerprint(row) == hashlib.sha256(before.encode()).hexdigest()[:32]
    row.vat_id = "DE123456789"
    assert screening.fingerprint(row) != hashlib.sha256(before.encode()).hexdigest()[:32]
