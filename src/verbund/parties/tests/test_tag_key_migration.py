"""Migration 0011 (``Tag.key``, unique) on a database already holding one name in several
spellings, on SQLite and PostgreSQL: it merges them first, as the tags page merges two tags
(every party keeps the tag, each with a history record, the merge recorded on the kept tag),
and no party loses a tag."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from verbund.core.models import AuditRecord
from verbund.parties.models import Party, Tag

BEFORE = [("parties", "0010_archived_updated_index")]


def _latest() -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    return [n for n in executor.loader.graph.leaf_nodes() if n[0] == "parties"]


def _migrate(targets: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def tags_of(party: Party) -> list[str]:
    return sorted(party.tags.values_list("name", flat=True))


@pytest.mark.django_db(transaction=True)
def test_the_migration_merges_the_spellings_of_a_name_keeping_every_partys_tag(
    org: Callable[..., Party],
) -> None:
    alpha, beta, gamma = org("Alpha GmbH"), org("Beta AG"), org("Gamma KG")
    latest = _latest()
    links = Party.tags.through._meta.db_table
    _migrate(BEFORE)
    try:
        with connection.cursor() as cur:
            ids = {}
            for name in ("messe", "Messe", "MESSE", "Straße", "STRASSE", "Newsletter"):
                cur.execute("INSERT INTO parties_tag (name) VALUES (%s)", [name])
                cur.execute("SELECT id FROM parties_tag WHERE name = %s", [name])
                ids[name] = cur.fetchone()[0]
            held = {
                alpha: ["messe", "Messe", "Newsletter"],
                beta: ["Messe", "STRASSE"],
                gamma: ["Messe", "Straße"],
            }
            for party, names in held.items():
                for name in names:
                    cur.execute(
                        f"INSERT INTO {links} (party_id, tag_id) VALUES (%s, %s)",
                        [party.pk, ids[name]],
                    )
        _migrate(latest)
    finally:
        # Whatever happened above, the schema ends as the other tests expect it.
        _migrate(latest)
    # The spelling most parties hold is kept; of two equals, the older one.
    assert sorted(Tag.objects.values_list("name", "key")) == [
        ("Messe", "messe"), ("Newsletter", "newsletter"), ("Straße", "strasse"),
    ]  # fmt: skip
    assert tags_of(alpha) == ["Messe", "Newsletter"]
    assert tags_of(beta) == ["Messe", "Straße"] and tags_of(gamma) == ["Messe", "Straße"]
    history = AuditRecord.objects.filter(party_id=alpha.pk, action="party.update").order_by("id")
    assert [(r.before, r.after) for r in history] == [
        ({"tags": ["Messe", "Newsletter", "messe"]}, {"tags": ["Messe", "Newsletter"]}),
    ]
    assert "„messe“ mit „Messe“ zusammengeführt" in history[0].note
    merges = AuditRecord.objects.filter(action="tag.merge").order_by("id")
    assert [(m.object_repr, m.before, m.after) for m in merges] == [
        ("Messe", {"name": "messe", "parties": 1}, {"name": "Messe"}),
        ("Messe", {"name": "MESSE", "parties": 0}, {"name": "Messe"}),
        ("Straße", {"name": "STRASSE", "parties": 1}, {"name": "Straße"}),
    ]
