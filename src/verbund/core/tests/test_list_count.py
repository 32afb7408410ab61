"""Every list says how many of how many it shows (design brief 7a), in one wording: "50 von
1.234", "51-100 von 1.234" (an en dash) from a later page, "50 von über 10.000" past the
counting cap; the count is one COUNT over a LIMIT-ed subquery, or none when the page holds
every row."""

import pytest
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from verbund.core import paging
from verbund.core.formatting import format_count
from verbund.core.paging import ListCount, bounded_count, list_count


def test_the_wording_follows_the_language():
    with translation.override("de"):
        assert format_count(50, 1234) == "50 von 1.234"
        assert format_count(50, 1234, first=51) == "51\u2013100 von 1.234"
        assert format_count(50, 10000, capped=True) == "50 von über 10.000"
        assert format_count(0, 0) == "0 von 0"
    with translation.override("en"):
        assert format_count(50, 1234) == "50 of 1,234"
        assert format_count(50, 1234, first=1001) == "1,001\u20131,050 of 1,234"
        assert format_count(50, 10000, capped=True) == "50 of more than 10,000"


def test_the_template_tag_reads_a_paginator_page_a_count_or_two_numbers():
    users = list(range(1, 121))
    page = Paginator(users, 50).get_page(2)
    tmpl = Template(
        "{% load verbund_format %}{% list_count rows %}|{% list_count 3 %}|{% list_count 3 9 %}"
    )
    with translation.override("de"):
        assert tmpl.render(Context({"rows": page})) == "51\u2013100 von 120|3 von 3|3 von 9"
        capped = ListCount(shown=50, total=10000, capped=True)
        assert tmpl.render(Context({"rows": capped})).startswith("50 von über 10.000|")
        empty = Paginator([], 50).get_page(1)
        assert tmpl.render(Context({"rows": empty})).startswith("0 von 0|")


@pytest.mark.django_db
def test_the_count_stops_at_its_cap_in_one_query(monkeypatch):
    User.objects.bulk_create([User(username=f"zähler-{i}") for i in range(7)])
    rows = User.objects.filter(username__startswith="zähler-").order_by("username")
    with CaptureQueriesContext(connection) as ctx:
        assert bounded_count(rows) == (7, False)
        assert bounded_count(rows, cap=5) == (5, True)
    # One limited query each (on PostgreSQL under a time limit, in a savepoint).
    limited = [q for q in ctx.captured_queries if "LIMIT" in q["sql"].upper()]
    assert len(limited) == 2
    if connection.vendor == "sqlite":
        assert len(ctx.captured_queries) == 2
    # A query read as SQL is counted the same way.
    table = User._meta.db_table
    sql = f"SELECT id FROM {table} WHERE username LIKE %s"
    assert bounded_count((sql, ["zähler-%"]), cap=6) == (6, True)
    assert bounded_count((sql, ["zähler-%"])) == (7, False)
    # The cap is read when counting (tests lower it).
    monkeypatch.setattr(paging, "COUNT_CAP", 4)
    assert str(list_count(rows, 3)) in ("3 of more than 4", "3 von über 4")


@pytest.mark.django_db
def test_a_page_that_holds_every_row_is_not_counted():
    with CaptureQueriesContext(connection) as ctx:
        count = list_count(User.objects.all(), 3, complete=True)
    assert ctx.captured_queries == []
    assert (count.shown, count.total, count.capped) == (3, 3, False)
    # A later page knows where it starts.
    User.objects.bulk_create([User(username=f"seite-{i}") for i in range(5)])
    later = list_count(User.objects.filter(username__startswith="seite-"), 2, first=4)
    with translation.override("de"):
        assert str(later) == "4\u20135 von 5"


@pytest.mark.django_db
def test_a_count_past_its_time_budget_says_how_far_it_got():
    # A query of endless rows: the cap ends it, or the budget before the cap.
    endless = (
        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT x FROM n",
        [],
    )
    assert bounded_count(endless, cap=3) == (3, True)
    counted, more = bounded_count(endless, cap=10**9, budget=0.02)
    assert more and 0 <= counted < 10**9
    with translation.override("de"):
        assert str(list_count(endless, 0, cap=10**9)).startswith("0 von über ")
    # The connection answers again at once, with no time limit left behind.
    assert bounded_count(endless, cap=5) == (5, True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SHOW statement_timeout")
            assert cur.fetchone()[0] == "0"
