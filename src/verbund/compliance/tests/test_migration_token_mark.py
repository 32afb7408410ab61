"""Migration 0009 (the mark of the stored party tokens) on a database that already holds
tokens: they were derived by rules no mark names, so the next sync derives every party's again
(an empty test database never exercised that step)."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from verbund.compliance import screening
from verbund.compliance.list_updates import do_sync_party_tokens
from verbund.compliance.models import PartyScreeningKey, PartyTokenMark
from verbund.parties.models import Party

BEFORE = [("compliance", "0008_ownership_flag_order_by_column")]


def _migrate(targets: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _migrate_from_before_the_mark() -> None:
    latest = [
        n for n in MigrationExecutor(connection).loader.graph.leaf_nodes() if n[0] == "compliance"
    ]
    try:
        _migrate(BEFORE)
        _migrate(latest)
    finally:
        # Whatever happened above, the schema ends as the other tests expect it.
        _migrate(latest)


@pytest.mark.django_db(transaction=True)
def test_tokens_stored_before_the_mark_are_all_derived_again_after_the_migration(
    org: Callable[..., Party],
) -> None:
    firms = [org("Bestand GmbH"), org("Nordstern Handel GmbH")]
    assert PartyScreeningKey.objects.count() == 2
    _migrate_from_before_the_mark()
    assert PartyTokenMark.objects.get().rules == ""
    assert screening.token_sync_state()[:2] == (sorted(f.pk for f in firms), [])
    assert do_sync_party_tokens() == 2
    assert screening.token_sync_state()[:2] == ([], [])


@pytest.mark.django_db(transaction=True)
def test_a_database_without_stored_tokens_gets_no_mark_from_the_migration() -> None:
    _migrate_from_before_the_mark()
    assert not PartyTokenMark.objects.exists()
