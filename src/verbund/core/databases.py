"""How a database URL becomes Django's settings for it: one place for the settings' own database
and for the target of ``verbund migrate-data``.

Imported by settings.py, so it needs nothing of Django's configured state.
"""

import os
from typing import Any

import dj_database_url

SQLITE_ENGINE = "django.db.backends.sqlite3"


def database_config(url: str, *, conn_max_age: int = 60) -> dict[str, Any]:
    """Django's settings for the database at ``url`` (``sqlite:///path`` or
    ``postgres://user@host:port/name``), tuned as Verbund runs it."""
    config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=conn_max_age))
    if config["ENGINE"] == SQLITE_ENGINE:
        config["OPTIONS"] = {
            # BEGIN IMMEDIATE serialises writers, so check-then-write rules (one parent, no
            # cycle) hold under concurrency; WAL lets readers go on while one writer works.
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA cache_size=-200000; PRAGMA temp_store=MEMORY; "
                "PRAGMA mmap_size=1073741824;"
            ),
        }
        # Connections stay open between requests (``conn_max_age``): opening one per request ran
        # the PRAGMAs, parsed the schema and started with an empty page cache every time, which
        # cost as much CPU as the cheapest page itself.
        return config
    # Connections from a psycopg pool (connections reused, not opened per request):
    # `verbund serve` turns it on for its processes, sized to its --threads;
    # VERBUND_DB_POOL_SIZE=N gives every process a pool of N, 0 none (behind PgBouncer). Django
    # refuses a pool together with persistent connections, hence CONN_MAX_AGE 0.
    if int(os.environ.get("VERBUND_DB_POOL_SIZE") or 0) > 0:
        config.setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1,
            "max_size": int(os.environ["VERBUND_DB_POOL_SIZE"]),
            "timeout": 30,
        }
        config["CONN_MAX_AGE"] = 0
    return config
