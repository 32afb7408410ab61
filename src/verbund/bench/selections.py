"""Selections at scale: ``verbund bench selections --size 1000000``.

The selection of issue #18: "members of a 100,000-member group with revenue of at least
10,000 EUR this year" (``group``, ``revenue_min``, this calendar year), counted and shown as
the party list's first page, on the revenue benchmark's data (``verbund bench revenue``: the
same database serves both; it is built here, in bulk, where it is empty). Run it against a
benchmark database of its own (a SQLite file under ``$VERBUND_BENCH_DIR``, or a PostgreSQL
database of its own).

Prints medians of ``--repeat`` runs, each with its ratio to raw SQL measured in the same run:

- the count (``selections.selectors.count``, which the selection pages and
  ``/api/v1/party-counts/`` answer with) against a bare ``COUNT(*)`` over the closure joined
  with the yearly figures (target ≤ 500 ms);
- the party list's first page (the rows: the FilterSet's query and keyset paging by name)
  against the bare join sorted by name with ``LIMIT``, reading the columns the page reads
  (``parties.selectors.LIST_FIELDS``; target ≤ 300 ms);
- the same first page as the whole party list page, and as ``/api/v1/parties/`` with the
  filters as query parameters (server time through Django's test client; for information).

``--parts white-space`` (also in ``all``): the "Weiße Flecken" of the large group, the members
without revenue in the last 12 months (none on the bench data, which have every month), and
"no revenue since this month" (every member: the data end last month), and the group filter
alone: the count when the customer file's line is opened (``selectors.white_space_count``,
which ``selections.views.white_space_count`` answers), the party list's count
(``selectors.count``), its first page's rows (the FilterSet's query and keyset paging by name)
and the whole page (``/parties/`` with those filters: rendering included, for information),
each against the bare closure join (members not merged) with ``NOT EXISTS`` on the monthly
rows (for the page, reading the list's columns as the page does), timed alternately with it;
and the section as every file of a member loads it (``selections.sections.party_sections``).
``--clock cpu`` times this process's CPU instead of the wall clock: steadier on a shared
machine, and meaningful on SQLite only (PostgreSQL works in its own processes).

An unknown ``--parts`` name is a usage error naming the valid ones.
"""

import argparse
import datetime as dt
import os
import time
from collections.abc import Callable
from typing import Any, TextIO

from django.db import connection

from verbund.bench.common import median_ms, paired_median_ms, parts_type, ratio, rows, scalar

TARGETS_MS = {"count": 500.0, "first page": 300.0}
PAGE = 50
PARTS = ("selection", "white-space")
CLOCK: dict[str, Callable[[], float]] = {"wall": time.perf_counter, "cpu": time.process_time}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from verbund.bench import revenue as revenue_bench

    revenue_bench.add_data_arguments(parser)
    parser.add_argument(
        "--min-eur", type=int, default=10_000, help="the revenue the members have at least"
    )
    parser.add_argument(
        "--parts",
        type=parts_type(PARTS),
        default="all",
        help=f"comma-separated: {', '.join(PARTS)} (default all)",
    )
    parser.add_argument(
        "--clock",
        choices=sorted(CLOCK),
        default="wall",
        help="white-space: wall time, or this process's CPU time (steadier on a busy machine; "
        "SQLite only, as PostgreSQL works in its own processes)",
    )


def _ensure_data(options: dict[str, Any], stdout: TextIO) -> int | None:
    """The large group's root, after building the revenue benchmark's data where absent."""
    from verbund.bench import revenue as revenue_bench
    from verbund.parties.models import Party
    from verbund.revenue.models import RevenueMonth

    size = int(options["size"])
    group_size = int(options["group_size"] or min(100_000, max(size // 10, 100)))
    ours = Party.objects.filter(number__startswith=revenue_bench.PREFIX).count()
    if ours == 0:
        if Party.objects.exists():
            stdout.write(
                "The database holds other parties; run against an empty benchmark database.\n"
            )
            return None
        revenue_bench._build(size, group_size, int(options["months"]), int(options["seed"]), stdout)
    elif ours != size:
        stdout.write(
            f"The benchmark database holds {ours:,} bench parties, not {size:,}; use a fresh one.\n"
        )
        return None
    if not RevenueMonth.objects.exists():
        revenue_bench._build_revenue(int(options["months"]), int(options["seed"]), stdout)
    return int(
        Party.objects.filter(number__startswith=revenue_bench.PREFIX)
        .order_by("id")
        .values_list("id", flat=True)[0]
    )


def run(options: dict[str, Any], stdout: TextIO) -> int:
    root = _ensure_data(options, stdout)
    if root is None:
        return 1
    given = options.get("parts") or "all"
    # Parsed by the option (checked there); given as text when called from Python.
    parts = given if isinstance(given, frozenset) else parts_type(PARTS)(str(given))
    correct = True
    if parts & {"all", "selection"}:
        correct = _selection(root, options, stdout) and correct
    if parts & {"all", "white-space"}:
        correct = _white_space(root, options, stdout) and correct
    return 0 if correct else 1


def _list_columns() -> str:
    """The party columns the list's page reads (``parties.selectors.LIST_FIELDS``), as ``p.``
    columns: the raw page reads what the page must read, not 4 of its 15 columns (SQLite
    sorts whole rows of every member for the first page: the 4 columns' floor was 4-12 %
    lower, 2026-12-08)."""
    from verbund.parties.models import Party
    from verbund.parties.selectors import LIST_FIELDS

    columns = {field.name: field.column for field in Party._meta.concrete_fields}
    return ", ".join(f"p.{columns[name]}" for name in LIST_FIELDS)


def _bench_user() -> Any:
    from django.contrib.auth.models import Group, User

    user = User.objects.filter(username="bench-selections").first()
    if user is None:
        user = User.objects.create_user(username="bench-selections", password=None)
        user.groups.add(Group.objects.get(name="viewer"))
    return user


def _selection(root: int, options: dict[str, Any], stdout: TextIO) -> bool:
    from django.test import Client

    from verbund.core.paging import keyset_page
    from verbund.hierarchies import selectors as hierarchy
    from verbund.hierarchies.models import ClosureEntry
    from verbund.parties.selectors import LIST_FIELDS
    from verbund.revenue.models import RevenueYear
    from verbund.selections import selectors

    repeat = int(options["repeat"])
    year = dt.date.today().year
    cents = int(options["min_eur"]) * 100
    type_id = hierarchy.hierarchy_type_id("group")
    hierarchy.ensure_current(type_id)  # bring the closure up to today once, outside the timings
    filters = {
        "group": str(root),
        "revenue_min": str(options["min_eur"]),
        "revenue_from": f"{year}-01",
        "revenue_to": f"{year}-12",
    }
    ct, yt, pt = (
        ClosureEntry._meta.db_table,
        RevenueYear._meta.db_table,
        "parties_party",
    )
    members = int(
        scalar(
            f"SELECT COUNT(*) FROM {ct} WHERE type_id = %s AND ancestor_id = %s", [type_id, root]
        )
    )
    raw_count_sql = (
        f"SELECT COUNT(*) FROM {ct} c JOIN {yt} y ON y.party_id = c.descendant_id AND y.year = %s"
        " WHERE c.type_id = %s AND c.ancestor_id = %s AND y.amount_cents >= %s"
    )
    raw_page_sql = (
        f"SELECT {_list_columns()} FROM {ct} c"
        f" JOIN {yt} y ON y.party_id = c.descendant_id AND y.year = %s"
        f" JOIN {pt} p ON p.id = c.descendant_id"
        " WHERE c.type_id = %s AND c.ancestor_id = %s AND y.amount_cents >= %s"
        f" ORDER BY p.name, p.id LIMIT {PAGE + 1}"
    )
    params = [year, type_id, root, cents]
    expected = int(scalar(raw_count_sql, params))
    stdout.write(
        f"{connection.vendor}: group of {members:,} members, {expected:,} with revenue >= "
        f"{options['min_eur']:,} EUR in {year}\n"
    )

    def app_count() -> int:
        return selectors.count(filters)

    def app_page() -> list[Any]:
        qs = selectors.parties(filters).only(*LIST_FIELDS)
        return keyset_page(qs, "name", "", PAGE, keep=lambda p: not p.merged_into_id).rows

    got = app_count()
    page_ids = [p.pk for p in app_page()]
    raw_ids = [int(r[0]) for r in rows(raw_page_sql, params)][:PAGE]
    correct = got == expected and page_ids == raw_ids
    client = Client(HTTP_HOST="localhost")
    client.force_login(_bench_user())

    def page_view() -> None:
        response = client.get("/parties/", filters)
        if response.status_code != 200:
            raise RuntimeError(f"/parties/ answered {response.status_code}")

    def api_view() -> None:
        response = client.get("/api/v1/parties/", filters)
        if response.status_code != 200:
            raise RuntimeError(f"/api/v1/parties/ answered {response.status_code}")

    t_count = median_ms(app_count, repeat)
    t_raw_count = median_ms(lambda: rows(raw_count_sql, params), repeat)
    t_page = median_ms(app_page, repeat)
    t_raw_page = median_ms(lambda: rows(raw_page_sql, params), repeat)
    t_view = median_ms(page_view, repeat)
    t_api = median_ms(api_view, repeat)
    results = [
        ("count", t_count, t_raw_count, TARGETS_MS["count"]),
        ("first page (rows)", t_page, t_raw_page, TARGETS_MS["first page"]),
        ("first page, party list page", t_view, t_raw_page, None),
        ("first page, /api/v1/parties/", t_api, t_raw_page, None),
    ]
    stdout.write(
        f"\n| {connection.vendor}, members of a {members:,}-member group with revenue >= "
        f"{options['min_eur']:,} EUR in {year} | median (app) | raw SQL | ratio | target |\n"
        "|---|---|---|---|---|\n"
    )
    for name, app, raw, target in results:
        r = ratio(app, raw)
        stdout.write(
            f"| {name} | {app:.1f} ms | {raw:.1f} ms | {r:.2f}x | "
            f"{f'≤ {target:.0f} ms' if target else '-'} |\n"
        )
    if not correct:
        stdout.write(
            f"WRONG: count {got} / {expected}, first page differs: {page_ids != raw_ids}\n"
        )
    return correct


def _white_space(root: int, options: dict[str, Any], stdout: TextIO) -> bool:
    """The white space of the large group, timed against raw SQL: the count and the party list
    page its link opens, for the last 12 months, for "no revenue since this month" (every
    member: the bench data end last month) and for the group filter alone; and the section on
    a member's file."""
    from django.test import Client, RequestFactory

    from verbund.core.paging import keyset_page
    from verbund.hierarchies import selectors as hierarchy
    from verbund.hierarchies.models import ClosureEntry
    from verbund.parties.models import Party
    from verbund.parties.selectors import LIST_FIELDS
    from verbund.revenue.models import RevenueMonth
    from verbund.selections import rules, sections, selectors

    repeat = int(options["repeat"])
    clock = CLOCK[options.get("clock") or "wall"]
    type_id = hierarchy.hierarchy_type_id("group")
    hierarchy.ensure_current(type_id)
    ct, mt = ClosureEntry._meta.db_table, RevenueMonth._meta.db_table
    # A member at the bottom of the large group: its file is the one a sales rep opens.
    member = int(
        scalar(
            f"SELECT descendant_id FROM {ct} WHERE type_id = %s AND ancestor_id = %s"
            " ORDER BY depth DESC, descendant_id LIMIT 1",
            [type_id, root],
        )
    )
    members = int(
        scalar(
            f"SELECT COUNT(*) FROM {ct} WHERE type_id = %s AND ancestor_id = %s", [type_id, root]
        )
    )
    first, last = rules.last_twelve_months()
    members_sql = (
        f" FROM {ct} c JOIN parties_party p ON p.id = c.descendant_id"
        " WHERE c.type_id = %s AND c.ancestor_id = %s AND p.merged_into_id IS NULL"
    )
    no_revenue_sql = (
        f" AND NOT EXISTS (SELECT 1 FROM {mt} m WHERE m.party_id = c.descendant_id"
        " AND m.month >= %s{} AND m.amount_cents <> 0)"
    )
    white_space = f"white space {first:%m/%Y}-{last:%m/%Y}"
    cases: list[tuple[str, dict[str, Any], str, list[Any]]] = [
        (
            white_space,
            selectors.white_space_filters(root, "group"),
            members_sql + no_revenue_sql.format(" AND m.month <= %s"),
            [type_id, root, first, last],
        ),
        (
            f"no revenue since {last:%m/%Y}",
            {"group": str(root), "no_revenue_from": f"{last:%Y-%m}"},
            members_sql + no_revenue_sql.format(""),
            [type_id, root, last],
        ),
        ("the group alone", {"group": str(root)}, members_sql, [type_id, root]),
    ]
    client = Client(HTTP_HOST="localhost")
    client.force_login(_bench_user())
    table: list[tuple[str, float, float]] = []

    def measure(name: str, filters: dict[str, Any], where: str, params: list[Any]) -> bool:
        count_sql = f"SELECT COUNT(*){where}"
        page_sql = f"SELECT {_list_columns()}{where} ORDER BY p.name, p.id LIMIT {PAGE + 1}"
        expected = int(scalar(count_sql, params))
        got = selectors.count(filters)
        if got != expected:
            stdout.write(f"WRONG: {name}: {got} / {expected}\n")

        def page_view() -> None:
            response = client.get("/parties/", filters)
            if response.status_code != 200:
                raise RuntimeError(f"/parties/ answered {response.status_code}")

        def raw_count() -> Any:
            return rows(count_sql, params)

        if name == white_space:
            # What the customer file's line shows when opened (views.white_space_count).
            opened = selectors.white_space_count(root, "group")
            got = got if opened == expected else opened
            t_app, t_raw = paired_median_ms(
                [lambda: selectors.white_space_count(root, "group"), raw_count], repeat, clock
            )
            table.append((f"{name} ({expected:,}): count when opened", t_app, t_raw))
        t_app, t_raw = paired_median_ms(
            [lambda: selectors.count(filters), raw_count], repeat, clock
        )

        def page_rows() -> list[Any]:
            qs = selectors.parties(filters).only(*LIST_FIELDS)
            return keyset_page(qs, "name", "", PAGE, keep=lambda p: not p.merged_into_id).rows

        raw_page_ids = [int(r[0]) for r in rows(page_sql, params)][:PAGE]
        if [p.pk for p in page_rows()] != raw_page_ids:
            got = -1
            stdout.write(f"WRONG: {name}: the first page differs\n")
        t_rows, t_raw_rows = paired_median_ms(
            [page_rows, lambda: rows(page_sql, params)], repeat, clock
        )
        t_page, t_raw_page = paired_median_ms(
            [page_view, lambda: rows(page_sql, params)], repeat, clock
        )
        table.append((f"{name} ({expected:,}): party list count", t_app, t_raw))
        table.append((f"{name}: first page (rows)", t_rows, t_raw_rows))
        table.append((f"{name}: party list page", t_page, t_raw_page))
        return got == expected

    correct = True
    for case in cases:
        correct = measure(*case) and correct

    request = RequestFactory().get(f"/parties/{member}/sections/selections/")
    request.user = _bench_user()
    party = Party.objects.get(pk=member)

    def section() -> Any:
        return sections.party_sections(request, party)

    links = [link for s in section() for link in s.context["white_space"]]
    if [link["root_id"] for link in links] != [root]:
        correct = False
        stdout.write(f"WRONG: the section links {links}\n")
    t_section = median_ms(section, repeat, clock)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    stdout.write(
        f"\n| {connection.vendor}, a {members:,}-member group ({options.get('clock') or 'wall'}"
        f" clock, load average {load:.1f}) | median (app) | raw SQL | ratio |\n"
        "|---|---|---|---|\n"
    )
    for name, app, raw in table:
        stdout.write(f"| {name} | {app:.1f} ms | {raw:.1f} ms | {ratio(app, raw):.2f}x |\n")
    stdout.write(f"| the white space section on a member's file | {t_section:.1f} ms | - | - |\n")
    return correct
