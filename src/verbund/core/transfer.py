"""Copy every row of the working database into another one: the way from SQLite to PostgreSQL
(``verbund migrate-data --to URL``), and back.

The contract:

- The target is migrated first, then filled in one transaction: either every table holds
  exactly the source's rows, counted table by table before the commit, or nothing is written.
- Primary keys are kept, so every reference, audit record and external link stays valid; the
  target's id sequences continue after the highest id copied.
- The target must not be in use: a table with rows beyond what ``migrate`` itself writes
  (content types, permissions, roles, built-in relationship types) stops the copy unless
  ``replace`` is given, which empties the target first.
- The source is read in one snapshot (SQLite: its write lock; PostgreSQL: a repeatable-read,
  read-only transaction), so a write during the copy cannot tear it.

Rows are read through the models (the database's values become Python values) and written
back with the target's own conversion (``get_db_prep_save``), so booleans, decimals, dates and
JSON arrive as the target stores them. Tables are filled in any order: Django's foreign keys
are checked at commit on both databases.
"""

from collections.abc import Callable, Iterator
from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connections, models, transaction
from django.utils.translation import gettext as _

from verbund.core.databases import database_config
from verbund.core.formatting import format_number
from verbund.core.management.base import not_migrated, unapplied_migrations

TARGET_ALIAS = "migrate_data_target"
CHUNK = 5000

# What `migrate` writes into an empty database by itself: a target holding only these rows is
# still unused.
MIGRATE_FILLS = {
    "contenttypes.contenttype",
    "auth.permission",
    "auth.group",
    "auth.group_permissions",
    "relationships.relationshiptype",
}


class TransferError(Exception):
    """The copy was refused or failed; nothing was written to the target."""


def copied_models() -> list[type[models.Model]]:
    """Every table Django manages, many-to-many tables included, in a stable order."""
    found = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and not m._meta.swapped
    ]
    return sorted(found, key=lambda m: m._meta.label_lower)


def connect_target(url: str, alias: str = TARGET_ALIAS) -> str:
    """Register the database at ``url`` as ``alias`` and return the alias."""
    config = database_config(url, conn_max_age=0)
    config.get("OPTIONS", {}).pop("pool", None)  # one connection, no pool
    for key, value in {
        "ATOMIC_REQUESTS": False,
        "AUTOCOMMIT": True,
        "CONN_HEALTH_CHECKS": False,
        "OPTIONS": {},
        "TIME_ZONE": None,
        "NAME": "",
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
        "TEST": {},
    }.items():
        config.setdefault(key, value)
    connections.settings[alias] = config
    return alias


def forget_target(alias: str) -> None:
    """Close and unregister a database registered by ``connect_target``."""
    if alias in connections.settings:
        for opened in connections.all(initialized_only=True):
            if opened.alias == alias:
                opened.close()
                del connections[alias]
        del connections.settings[alias]


def _same_database(a: str, b: str) -> bool:
    one, two = connections[a].settings_dict, connections[b].settings_dict
    keys = ("ENGINE", "NAME", "HOST", "PORT")
    return all(str(one.get(k) or "") == str(two.get(k) or "") for k in keys)


def _count(model: type[models.Model], alias: str) -> int:
    return model._base_manager.using(alias).count()


def _rows(model: type[models.Model], source: str, target: str) -> Iterator[list[Any]]:
    fields = model._meta.concrete_fields
    connection = connections[target]
    rows = (
        model._base_manager.using(source)
        .order_by("pk")
        .values_list(*[f.attname for f in fields])
        .iterator(chunk_size=CHUNK)
    )
    for row in rows:
        yield [f.get_db_prep_save(v, connection) for f, v in zip(fields, row, strict=True)]


def _insert(model: type[models.Model], source: str, target: str) -> int:
    connection = connections[target]
    quote = connection.ops.quote_name
    columns = [f.column for f in model._meta.concrete_fields]
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(c) for c in columns),
        ", ".join(["%s"] * len(columns)),
    )
    written = 0
    batch: list[list[Any]] = []
    with connection.cursor() as cursor:
        for row in _rows(model, source, target):
            batch.append(row)
            if len(batch) == CHUNK:
                cursor.executemany(sql, batch)
                written += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            written += len(batch)
    return written


def _snapshot(alias: str) -> None:
    """Make the source's open transaction one consistent, read-only view."""
    connection = connections[alias]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")


def copy_database(
    url: str,
    *,
    source: str = "default",
    replace: bool = False,
    progress: Callable[[str, int], None] | None = None,
) -> dict[str, int]:
    """Copy every row of ``source`` into the database at ``url``; return rows per table
    (``app_label.model``). Raises TransferError with the reason when refused or when a count
    differs; the target is then unchanged apart from its migrations."""
    target = connect_target(url)
    try:
        if _same_database(source, target):
            raise TransferError(_("The target is the working database itself."))
        if unapplied_migrations(source):
            raise TransferError(not_migrated())
        call_command("migrate", database=target, interactive=False, verbosity=0)
        tables = copied_models()
        in_use = [
            m._meta.label_lower
            for m in tables
            if m._meta.label_lower not in MIGRATE_FILLS and _count(m, target)
        ]
        if in_use and not replace:
            raise TransferError(
                _("The target already holds data (%(tables)s); give --replace to overwrite it.")
                % {"tables": ", ".join(in_use[:5]) + (" …" if len(in_use) > 5 else "")}
            )
        counts: dict[str, int] = {}
        with transaction.atomic(using=source), transaction.atomic(using=target):
            _snapshot(source)
            target_connection = connections[target]
            flush = target_connection.ops.sql_flush(
                no_style(),
                [m._meta.db_table for m in tables],
                reset_sequences=False,
                allow_cascade=True,
            )
            with target_connection.cursor() as cursor:
                for statement in flush:
                    cursor.execute(statement)
            for model in tables:
                label = model._meta.label_lower
                written = _insert(model, source, target)
                expected, arrived = _count(model, source), _count(model, target)
                if not written == expected == arrived:
                    raise TransferError(
                        _(
                            "%(table)s: %(expected)s rows in the working database, %(arrived)s "
                            "arrived; nothing was written."
                        )
                        % {
                            "table": label,
                            "expected": format_number(expected),
                            "arrived": format_number(arrived),
                        }
                    )
                counts[label] = arrived
                if progress:
                    progress(label, arrived)
            with target_connection.cursor() as cursor:
                for statement in target_connection.ops.sequence_reset_sql(no_style(), tables):
                    cursor.execute(statement)
        with connections[target].cursor() as cursor:
            cursor.execute("ANALYZE")
        return counts
    finally:
        forget_target(target)
