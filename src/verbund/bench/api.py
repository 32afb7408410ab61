"""API list endpoints at scale: milliseconds per page against a raw-SQL baseline.

    DATABASE_URL=sqlite:///$VERBUND_BENCH_DIR/api/bench.sqlite3 verbund migrate
    DATABASE_URL=sqlite:///$VERBUND_BENCH_DIR/api/bench.sqlite3 verbund bench api --size 100000

(with an absolute ``VERBUND_BENCH_DIR``, or any database of its own).

Fills an empty database with demo data of ``--size`` parties first. Each endpoint is requested
through the full stack (URL routing, authentication, permissions, filters, serializers, cursor
paging) and compared with the one SQL query that fetches the same page, run raw in the same
process. Figures are medians over ``--repeat`` runs.
"""

import base64
from collections.abc import Callable
from typing import Any, TextIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from rest_framework.test import APIClient

from verbund.bench.common import median_ms, ratio
from verbund.parties.models import Party
from verbund.relationships.models import Relationship


def add_arguments(parser: Any) -> None:
    parser.add_argument(
        "--size", type=int, default=100_000, help="Parties to generate when the database is empty."
    )
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--seed", type=int, default=1)


def _raw(sql: str, params: list[Any]) -> Callable[[], Any]:
    def run() -> Any:
        with connection.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()

    return run


def _api(client: APIClient, url: str) -> Callable[[], Any]:
    def run() -> Any:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response.content

    return run


def run(options: dict[str, Any], stdout: TextIO) -> int:
    if not Party.objects.exists():
        stdout.write(f"generating {options['size']} demo parties ...\n")
        call_command("demo", size=options["size"], seed=options["seed"], revenue_months=0)
    user_model = get_user_model()
    admin, _ = user_model.objects.get_or_create(
        username="bench-api", defaults={"is_superuser": True, "is_staff": True}
    )
    client = APIClient(SERVER_NAME="localhost")  # a host ALLOWED_HOSTS accepts by default
    client.force_authenticate(admin)
    parties = Party.objects.count()
    relationships = Relationship.objects.count()
    hub_row = Relationship.objects.values("to_party_id").annotate(n=Count("id")).order_by(
        "-n"
    ).first() or {"to_party_id": 0, "n": 0}
    hub, hub_links = hub_row["to_party_id"], hub_row["n"]
    city = Party.objects.exclude(city="").values_list("city", flat=True).first() or "Köln"
    mid_id = Party.objects.order_by("id").values_list("id", flat=True)[parties // 2]
    party_cols = ", ".join(f'"{f.column}"' for f in Party._meta.concrete_fields)
    rel_cols = ", ".join(f'r."{f.column}"' for f in Relationship._meta.concrete_fields)
    page = 51  # a page of 50 plus the look-ahead row cursor paging fetches
    cases: list[tuple[str, str, str, list[Any]]] = [
        (
            "parties, first page",
            "/api/v1/parties/",
            f"SELECT {party_cols} FROM parties_party ORDER BY id LIMIT {page}",
            [],
        ),
        (
            "parties, page in the middle (cursor)",
            None,  # type: ignore[list-item]
            f"SELECT {party_cols} FROM parties_party WHERE id > %s ORDER BY id LIMIT {page}",
            [mid_id],
        ),
        (
            "parties ordered by name",
            "/api/v1/parties/?ordering=name",
            f"SELECT {party_cols} FROM parties_party ORDER BY name, id LIMIT {page}",
            [],
        ),
        (
            f"parties in {city}",
            f"/api/v1/parties/?city={city}",
            f"SELECT {party_cols} FROM parties_party WHERE UPPER(city) = UPPER(%s) ORDER BY id LIMIT {page}",
            [city],
        ),
        (
            "relationships of type group",
            "/api/v1/relationships/?type=group",
            f"SELECT {rel_cols} FROM relationships_relationship r JOIN relationships_relationshiptype t ON t.id = r.type_id WHERE t.key = %s ORDER BY r.id LIMIT {page}",
            ["group"],
        ),
        (
            f"one party's relationships ({hub_links} links)",
            f"/api/v1/parties/{hub}/relationships/",
            f"SELECT {rel_cols} FROM relationships_relationship r WHERE r.from_party_id = %s OR r.to_party_id = %s ORDER BY r.id + 0 LIMIT {page}",
            [hub, hub],
        ),
    ]
    # A cursor positioned in the middle of the table, as DRF encodes it (base64 of "p=<id>").
    middle_url = "/api/v1/parties/?cursor=" + base64.b64encode(f"p={mid_id - 1}".encode()).decode()
    stdout.write(
        f"api bench on {connection.vendor}: {parties} parties, {relationships} relationships, median of {options['repeat']}\n"
    )
    stdout.write(f"{'case':<44} {'API ms':>8} {'raw SQL ms':>10} {'ratio':>6}\n")
    for name, url, sql, params in cases:
        target = url or middle_url
        api_ms = median_ms(_api(client, target), options["repeat"])
        raw_ms = median_ms(_raw(sql, params), options["repeat"])
        multiple = ratio(api_ms, raw_ms)
        multiple = float("inf") if multiple is None else multiple
        stdout.write(f"{name:<44} {api_ms:>8.2f} {raw_ms:>10.2f} {multiple:>6.1f}\n")
    return 0
