"""The advertising selection at size: the page counts no further than decision 0039 lets it
and says so; the export streams values, every cell neutralised, its query count flat."""

import csv
import io
from typing import Any

from verbund.core import paging
from verbund.core.testing import assert_queries_stay, list_count_queries
from verbund.parties.actions import do_create_party
from verbund.parties.models import Party
from verbund.privacy.actions import do_record_consent
from verbund.privacy.selectors import advertising_selection


def _rows(response: Any) -> list[list[str]]:
    assert response.streaming
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body), delimiter=";"))


def test_the_export_writes_the_name_the_file_shows_and_neutralises_formulas(
    db: Any, client: Any, make_user: Any
) -> None:
    person = do_create_party(
        actor=None, kind="person", title="Dr.", first_name="Anna", last_name="Formeltest",
        street="=HYPERLINK(\"http://x\")", postcode="50667", city="@Köln", phone="+49 221 1",
    )  # fmt: skip
    org = do_create_party(actor=None, kind="organisation", name="-Minus GmbH",
                          street="Ring 1", postcode="50667", city="Köln")  # fmt: skip
    client.force_login(make_user("privacy"))
    rows = _rows(client.get("/privacy/advertising.csv?channel=post"))
    by_number = {r[0]: r for r in rows[1:-1]}
    assert by_number[person.number][1:3] == ["Dr. Anna Formeltest", '\'=HYPERLINK("http://x")']
    assert by_number[person.number][4] == "'@Köln" and by_number[person.number][7] == "'+49 221 1"
    assert by_number[org.number][1:4] == ["'-Minus GmbH", "Ring 1", "50667"]


def test_past_the_cap_the_page_says_more_than_and_the_export_still_has_every_row(
    db: Any, client: Any, make_user: Any, monkeypatch: Any
) -> None:
    address = {"street": "Weg 1", "postcode": "50667", "city": "Köln"}
    people = [
        do_create_party(actor=None, kind="person", first_name=f"P{i}", last_name="Kappe", **address)
        for i in range(50)  # more than the page reads at first (twice its 20, and one)
    ]
    do_record_consent(people[0], actor=None, channel="post", purpose="advertising",
                      status="objected")  # fmt: skip
    monkeypatch.setattr(paging, "COUNT_CAP", 2)
    monkeypatch.setattr("verbund.privacy.selectors.COUNT_CAP", 2)
    selection = advertising_selection(Party.objects.filter(last_name="Kappe"), "post")
    # the page shows 20 of them: more than 20 chosen
    assert (selection.total, selection.capped, selection.left_out) == (20, True, 1)
    client.force_login(make_user("privacy"))
    page = client.get("/privacy/advertising/?channel=post").content.decode()
    assert "Mehr als 20 Adressen ausgewählt" in page
    rows = _rows(client.get("/privacy/advertising.csv?channel=post"))
    assert len(rows) == 1 + 49 + 1  # header, the 49 who did not object, the footer

    monkeypatch.setattr(paging, "COUNT_CAP", 60)
    monkeypatch.setattr("verbund.privacy.selectors.COUNT_CAP", 60)
    exact = advertising_selection(Party.objects.filter(last_name="Kappe"), "post")
    assert (exact.total, exact.capped) == (49, False)
    few = advertising_selection(Party.objects.filter(last_name="Kappe"), "post", limit=60)
    assert (few.total, few.capped, len(few.parties)) == (49, False, 49)


def test_the_advertising_page_and_export_keep_their_query_count(
    db: Any, client: Any, make_user: Any
) -> None:
    def more() -> None:
        for i in range(30):
            do_create_party(actor=None, kind="person", first_name=f"N{i}", last_name="Zahl")

    client.force_login(make_user("privacy"))
    more()
    # session, user, permissions (user + groups), erased ids inside the selection, objections,
    # the sample, the bounded count
    assert_queries_stay(client, "/privacy/advertising/", more, {"channel": "post"},
                        at_most=7 + list_count_queries())  # fmt: skip
    assert_queries_stay(client, "/privacy/advertising.csv", more, {"channel": "post"}, at_most=7)
