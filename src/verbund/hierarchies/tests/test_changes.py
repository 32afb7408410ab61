"""What changed in a group between two dates, in the API, the CLI and the file (#17.3)."""

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from verbund.parties.models import Party
from verbund.relationships.actions import do_create_relationship
from verbund.relationships.models import Relationship

D = dt.date


@pytest.fixture
def history(org: Callable[..., Party]) -> dict[str, Any]:
    """A group with a year of changes (2025) and one before it."""
    p = {k: org(name) for k, name in [
        ("h", "Holding AG"), ("a", "Alpha GmbH"), ("b", "Beta GmbH"), ("c", "Gamma GmbH"),
        ("d", "Delta GmbH"), ("e", "Epsilon GmbH"), ("f", "Zeta GmbH"), ("x", "Fremd AG"),
    ]}  # fmt: skip

    def link(
        child: str, parent: str, start: D | None, end: D | None = None, share: str | None = None
    ) -> Relationship:
        return do_create_relationship(
            actor=None, type="group", from_party=p[child], to_party=p[parent],
            valid_from=start, valid_to=end, share=Decimal(share) if share else None,
        )  # fmt: skip

    rels = {
        "a": link("a", "h", D(2020, 1, 1)),
        "b_old": link("b", "a", D(2020, 1, 1), D(2025, 3, 31)),
        "b_new": link("b", "h", D(2025, 4, 1)),
        "c": link("c", "a", D(2025, 6, 1)),
        "d": link("d", "h", D(2020, 1, 1), D(2025, 8, 31)),
        "e_old": link("e", "h", D(2020, 1, 1), D(2025, 9, 30), share="50"),
        "e_new": link("e", "h", D(2025, 10, 1), share="75"),
        "f": link("f", "h", D(2024, 5, 1)),
        "x": link("x", "d", D(2020, 1, 1)),  # goes with Delta when it leaves
    }
    return {"p": p, "r": rels}


EXPECTED = [
    ("2025-04-01", "moved", "Beta GmbH"),
    ("2025-06-01", "joined", "Gamma GmbH"),
    ("2025-09-01", "left", "Delta GmbH"),
    ("2025-10-01", "share_changed", "Epsilon GmbH"),
]


def test_the_change_log_names_joins_leaves_moves_and_shares_with_their_links(
    history: dict[str, Any], api_for: Callable[..., Any]
) -> None:
    p, r = history["p"], history["r"]
    res = api_for("viewer").get(
        f"/api/v1/parties/{p['c'].pk}/hierarchy/changes/?type=group&from=2025-01-01&to=2025-12-31"
    )
    assert res.status_code == 200, res.content
    body = res.json()
    assert body["root_id"] == p["h"].pk and body["count"] == 4
    got = body["changes"]
    assert [(c["date"], c["kind"], c["party"]["name"]) for c in got] == EXPECTED
    moved, joined, left, share = got
    assert moved["from_parent"]["id"] == p["a"].pk and moved["to_parent"]["id"] == p["h"].pk
    assert moved["relationship_id"] == r["b_new"].pk
    assert moved["ended_relationship_id"] == r["b_old"].pk
    assert joined["to_parent"]["name"] == "Alpha GmbH" and joined["from_parent"] is None
    assert left["from_parent"]["name"] == "Holding AG" and left["to_parent"] is None
    assert left["relationship_id"] == r["d"].pk and left["members"] == 2
    assert (share["share_before"], share["share_after"]) == ("50.0000", "75.0000")


def test_a_shorter_period_shows_only_its_changes(
    history: dict[str, Any], api_for: Callable[..., Any]
) -> None:
    p = history["p"]
    client = api_for("viewer")
    res = client.get(
        f"/api/v1/parties/{p['h'].pk}/hierarchy/changes/?from=2025-05-01&to=2025-09-01"
    )
    assert [c["kind"] for c in res.json()["changes"]] == ["joined", "left"]
    res = client.get(
        f"/api/v1/parties/{p['h'].pk}/hierarchy/changes/?from=2024-01-01&to=2024-12-31"
    )
    assert [(c["kind"], c["party"]["name"]) for c in res.json()["changes"]] == [
        ("joined", "Zeta GmbH")
    ]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=gestern", "from"),
        ("to=2025-13-01", "to"),
        ("from=2025-02-01&to=2025-01-01", "to"),
        ("type=nope", "type"),
    ],
)
def test_bad_periods_are_refused_naming_the_field(
    history: dict[str, Any], api_for: Callable[..., Any], query: str, field: str
) -> None:
    res = api_for("viewer").get(
        f"/api/v1/parties/{history['p']['h'].pk}/hierarchy/changes/?{query}"
    )
    assert res.status_code == 400 and field in res.json()


def test_the_cli_prints_the_changes_as_lines_and_as_json(history: dict[str, Any]) -> None:
    p = history["p"]
    out = StringIO()
    call_command(
        "hierarchy",
        "diff",
        p["b"].number,
        "--type",
        "group",
        "--from",
        "2025-01-01",
        "--to",
        "2025-12-31",
        stdout=out,
    )
    text = out.getvalue()
    assert text.splitlines()[0].startswith("4 ")
    assert "01.04.2025" in text and "Beta GmbH" in text and "Alpha GmbH → Holding AG" in text
    assert f"{history['r']['b_new'].pk}" in text
    out = StringIO()
    call_command(
        "hierarchy",
        "diff",
        str(p["b"].pk),
        "--from",
        "2025-01-01",
        "--to",
        "2025-12-31",
        "--json",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert [(c["date"], c["kind"], c["party"]["name"]) for c in data["changes"]] == EXPECTED


def test_the_cli_refuses_a_bad_date_naming_the_option(history: dict[str, Any]) -> None:
    with pytest.raises(CommandError, match="--from"):
        call_command(
            "hierarchy", "diff", str(history["p"]["b"].pk), "--from", "bald", stdout=StringIO()
        )
    with pytest.raises(CommandError, match="diff"):
        call_command("hierarchy", "diff", stdout=StringIO())


def test_the_file_shows_the_changes_since_a_day(
    history: dict[str, Any], client_for: Callable[..., Any]
) -> None:
    p = history["p"]
    res = client_for("viewer").get(
        f"/parties/{p['a'].pk}/hierarchy/changes/?type=group&from=2025-01-01&to=2025-12-31"
    )
    assert res.status_code == 200
    html = res.content.decode()
    assert "Änderungen seit 01.01.2025" in html or "Changes since 01.01.2025" in html
    assert "Beta GmbH" in html and "Delta GmbH" in html
    bad = client_for("viewer").get(f"/parties/{p['a'].pk}/hierarchy/changes/?from=bald")
    assert bad.status_code == 400


def test_the_change_log_takes_as_many_queries_however_many_changes(
    history: dict[str, Any], api_for: Callable[..., Any], org: Callable[..., Party]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    p = history["p"]
    url = f"/api/v1/parties/{p['h'].pk}/hierarchy/changes/?type=group&from=2025-01-01&to=2025-12-31"
    client = api_for("viewer")
    client.get(url)

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            res = client.get(url)
        assert res.status_code == 200
        return len(ctx.captured_queries), res.json()["count"]

    first, changes_before = count()
    for i in range(8):
        child = org(f"Neu {i} GmbH")
        do_create_relationship(
            actor=None, type="group", from_party=child, to_party=p["b"], valid_from=D(2025, 7, 1)
        )
        do_create_relationship(
            actor=None, type="group", from_party=org(f"Enkel {i} GmbH"), to_party=child,
            valid_from=D(2025, 7, 2), valid_to=D(2025, 11, 30),
        )  # fmt: skip
    again, changes_after = count()
    # Each child joins; each grandchild joins and leaves.
    assert changes_after == changes_before + 8 + 16
    assert again == first


def test_a_share_change_reads_as_percentages_in_the_readers_language(
    history: dict[str, Any], client_for: Callable[..., Any]
) -> None:
    from django.template.loader import render_to_string
    from django.utils import translation

    from verbund.hierarchies import changes

    p = history["p"]
    url = f"/parties/{p['a'].pk}/hierarchy/changes/?type=group&from=2025-01-01&to=2025-12-31"
    client = client_for("viewer")
    client.cookies["django_language"] = "en"
    assert "50% to 75%" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").text
    client.cookies["django_language"] = "de"
    assert "50\u00a0% auf 75\u00a0%" in client.get(url, HTTP_ACCEPT_LANGUAGE="de").text
    # The start page's list of the followed groups' changes words them alike.
    log = changes.changes(p["a"].pk, "group", "2025-01-01", "2025-12-31")
    group = {"party": p["a"], "type_name": "Konzern", "type_key": "group", "total": 1}
    group["changes"] = [c for c in log["changes"] if c["kind"] == "share_changed"]
    for language, text in (("en", "50% to 75%"), ("de", "50\u00a0% auf 75\u00a0%")):
        with translation.override(language):
            home = render_to_string(
                "hierarchies/group/home_changes.html", {"groups": [group], "days": 30}
            )
        assert text in home, language


def test_the_cli_writes_a_share_change_as_percentages(history: dict[str, Any]) -> None:
    out = StringIO()
    call_command(
        "hierarchy", "diff", str(history["p"]["e"].pk), "--from", "2025-01-01", "--to",
        "2025-12-31", stdout=out,
    )  # fmt: skip
    assert "50\u00a0% → 75\u00a0%" in out.getvalue()
