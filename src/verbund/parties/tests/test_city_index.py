"""The party list's city filter matches case-insensitively and still probes an index on each
database (migration parties 0006), instead of reading the whole table in name order."""

import pytest
from django.db import connection

from verbund.parties.actions import do_create_party
from verbund.parties.filters import party_filterset
from verbund.parties.models import Party

pytestmark = pytest.mark.django_db


def plan_of(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return " ".join(str(row[-1]) for row in cur.fetchall())
        # A handful of rows: a sequential scan is cheaper, so forbid it to see whether the
        # index can be used at all.
        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute(f"EXPLAIN {sql}", params)
        return " ".join(row[0] for row in cur.fetchall())


def test_the_city_filter_matches_any_case_and_uses_the_city_index():
    do_create_party(actor=None, name="Printen GmbH", city="Aachen")
    do_create_party(actor=None, name="Dom GmbH", city="Köln")
    filterset = party_filterset()({"city": "aACHEN"}, queryset=Party.objects.order_by("name"))
    assert filterset.is_valid()
    assert [p.name for p in filterset.qs] == ["Printen GmbH"]
    plan = plan_of(filterset.qs.order_by("name", "id").values("id")[:51])
    assert "party_city_ci" in plan
    # The page comes in index order: no sort of the city's rows.
    assert "TEMP B-TREE" not in plan and "Sort" not in plan
