"""`verbund migrate_data --to URL` copies the working database into another one, all or nothing:
every table's count checked, ids kept and continued, a target in use refused.

On the SQLite run the copy goes SQLite to SQLite and, where a PostgreSQL server answers,
SQLite to PostgreSQL; on the PostgreSQL run it goes PostgreSQL to SQLite."""

import os
import shutil
import sqlite3
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper

from verbund.activities.actions import do_create_activity
from verbund.core import transfer
from verbund.core.testing import run_cli
from verbund.parties.actions import do_create_party
from verbund.relationships.actions import do_create_relationship
from verbund.revenue.actions import do_record_revenue

pytestmark = pytest.mark.django_db(transaction=True)

PG_SERVER = "postgres://postgres@127.0.0.1:5432"


@pytest.fixture(autouse=True)
def _targets_may_connect(
    transactional_db: None, django_db_blocker: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Django's test case refuses every database alias it did not set up; the copy's target is
    registered during the test, so its connections go through (pytest-django keeps the
    unwrapped method)."""
    guarded = BaseDatabaseWrapper.ensure_connection
    real = django_db_blocker._real_ensure_connection

    def ensure_connection(self: BaseDatabaseWrapper) -> None:
        if self.alias in (transfer.TARGET_ALIAS, "copy"):
            return real(self)
        return guarded(self)

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", ensure_connection)


@pytest.fixture(scope="module")
def migrated_sqlite(
    tmp_path_factory: pytest.TempPathFactory, django_db_setup: None, django_db_blocker
) -> Path:
    """An empty, migrated SQLite file, made once: migrating takes most of a copy's time. (After
    the test database exists: a third-party data migration reads the working database.)"""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    with django_db_blocker.unblock():
        transfer.connect_target(f"sqlite:///{path}", alias="template")
        try:
            call_command("migrate", database="template", interactive=False, verbosity=0)
        finally:
            transfer.forget_target("template")
    return path


@pytest.fixture
def target(migrated_sqlite: Path, tmp_path: Path) -> Path:
    path = tmp_path / "target.sqlite3"
    shutil.copy(migrated_sqlite, path)
    return path


def make_world() -> dict[str, int]:
    holding = do_create_party(actor=None, kind="organisation", name="Müller Holding AG")
    daughter = do_create_party(
        actor=None, kind="organisation", name="Müller Tochter GmbH", city="Köln"
    )
    do_create_relationship(
        actor=None, type="group", from_party=daughter, to_party=holding, valid_from="2020-01-01"
    )
    do_record_revenue(actor=None, party=daughter, month="2026-03", amount="1234.56")
    do_create_activity(actor=None, party=holding, subject="Jahresgespräch", text="Notiz")
    return {"holding": holding.pk, "daughter": daughter.pk}


def migrate_data(capsys: pytest.CaptureFixture[str], *args: str, refused: bool = False) -> str:
    """Run the command; return what it printed (stdout when it worked, stderr when refused)."""
    code, out, err = run_cli(capsys, "migrate_data", *args)
    assert (code != 0) == refused, (code, out, err)
    return err if refused else out


def rows(path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return db.execute(sql).fetchall()


def test_every_row_arrives_with_its_id_and_the_ids_go_on_after_the_highest(target: Path, capsys):
    world = make_world()
    out = migrate_data(capsys, "--to", f"sqlite:///{target}")

    assert "Müller Holding AG" not in out  # it reports tables and counts, not data
    assert "parties.party: 2" in out
    assert rows(target, "SELECT id, name, city FROM parties_party ORDER BY id") == [
        (world["holding"], "Müller Holding AG", ""),
        (world["daughter"], "Müller Tochter GmbH", "Köln"),
    ]
    [(cents, original)] = rows(
        target, "SELECT amount_cents, amount_original FROM revenue_revenuemonth"
    )
    assert (cents, Decimal(str(original))) == (123456, Decimal("1234.56"))
    assert rows(target, "SELECT subject FROM activities_activity") == [("Jahresgespräch",)]
    # Every table of the working database holds as many rows in the target.
    for model in transfer.copied_models():
        expected = model._base_manager.count()
        [(arrived,)] = rows(target, f'SELECT count(*) FROM "{model._meta.db_table}"')
        assert arrived == expected, model._meta.label

    # The copy is a working database: a new party takes the next id there.
    alias = transfer.connect_target(f"sqlite:///{target}", alias="copy")
    try:
        from verbund.parties.models import Party

        created = Party.objects.using(alias).create(kind="organisation", name="Neu GmbH")
        assert created.pk > world["daughter"]
    finally:
        transfer.forget_target(alias)


def test_a_target_that_holds_data_is_refused_unless_replace_is_given(target: Path, capsys):
    make_world()
    migrate_data(capsys, "--to", f"sqlite:///{target}")
    do_create_party(actor=None, kind="organisation", name="Dritte GmbH")

    refused = migrate_data(capsys, "--to", f"sqlite:///{target}", refused=True)
    assert "--replace" in refused and "activities.activity" in refused
    assert len(rows(target, "SELECT id FROM parties_party")) == 2  # untouched

    migrate_data(capsys, "--to", f"sqlite:///{target}", "--replace")
    assert len(rows(target, "SELECT id FROM parties_party")) == 3


def test_a_count_that_differs_writes_nothing(target: Path, monkeypatch: pytest.MonkeyPatch, capsys):
    make_world()
    real_insert = transfer._insert

    def loses_a_revenue_row(model, source, target_alias):  # type: ignore[no-untyped-def]
        written = real_insert(model, source, target_alias)
        if model._meta.label_lower == "revenue.revenuemonth":
            with transfer.connections[target_alias].cursor() as cursor:
                cursor.execute("DELETE FROM revenue_revenuemonth")
        return written

    monkeypatch.setattr(transfer, "_insert", loses_a_revenue_row)
    refused = migrate_data(capsys, "--to", f"sqlite:///{target}", refused=True)

    assert "revenue.revenuemonth" in refused
    assert rows(target, "SELECT count(*) FROM parties_party") == [(0,)]


def test_the_working_database_itself_is_refused_as_target(capsys):
    if connection.vendor != "sqlite" or connection.settings_dict["NAME"].startswith("file:"):
        pytest.skip("the working database must be a file to be named as a target")
    refused = migrate_data(
        capsys, "--to", f"sqlite:///{connection.settings_dict['NAME']}", refused=True
    )
    assert "working database" in refused or "Arbeitsdatenbank" in refused


@pytest.fixture
def postgres_target() -> Iterator[str]:
    psycopg = pytest.importorskip("psycopg")
    name = f"verbund_migrate_data_{os.getpid()}"
    try:
        admin = psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        pytest.skip("no PostgreSQL server at 127.0.0.1:5432")
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_SERVER}/{name}"
    finally:
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_sqlite_moves_to_postgresql_with_its_counts_checked(postgres_target: str, capsys):
    if connection.vendor != "sqlite":
        pytest.skip("the PostgreSQL run copies the other way (the tests above)")
    world = make_world()
    out = migrate_data(capsys, "--to", postgres_target)
    assert "parties.party: 2" in out

    psycopg = pytest.importorskip("psycopg")
    with psycopg.connect(postgres_target) as db:
        assert db.execute("SELECT id, name FROM parties_party ORDER BY id").fetchall() == [
            (world["holding"], "Müller Holding AG"),
            (world["daughter"], "Müller Tochter GmbH"),
        ]
        assert db.execute(
            "SELECT amount_cents, amount_original FROM revenue_revenuemonth"
        ).fetchone() == (123456, Decimal("1234.56"))
        # The id sequence continues after the highest id copied.
        next_id = db.execute(
            "SELECT nextval(pg_get_serial_sequence('parties_party', 'id'))"
        ).fetchone()[0]
        assert next_id == world["daughter"] + 1
