"""Old home of the bulk writer, kept importable for the benchmarks while they move.

The writer now lives where its parts belong: the generic writer in ``verbund.core.bulk``,
party columns, numbers and derived columns in ``verbund.parties.bulk`` / ``parties.derive``,
relationship columns and ``do_bulk_load`` in ``verbund.relationships.bulk``, the
``bulk_loaded`` signal in ``verbund.parties.signals``. Import from there; this module goes
once nothing imports it.
"""

from verbund.core.bulk import BrokenReference, column_defaults, foreign_keys_validated_after
from verbund.parties.bulk import PARTY_COLUMNS
from verbund.parties.derive import (
    derive_search_columns,
    fold_and_phonetic,
    fold_fast,
    search_pieces,
    search_text_with,
)
from verbund.parties.signals import bulk_loaded
from verbund.relationships.bulk import RELATIONSHIP_COLUMNS, do_bulk_load
from verbund.relationships.bulk import Load as BulkLoad

__all__ = [
    "PARTY_COLUMNS",
    "RELATIONSHIP_COLUMNS",
    "BrokenReference",
    "BulkLoad",
    "bulk_loaded",
    "column_defaults",
    "derive_search_columns",
    "do_bulk_load",
    "fold_and_phonetic",
    "fold_fast",
    "foreign_keys_validated_after",
    "search_pieces",
    "search_text_with",
]
