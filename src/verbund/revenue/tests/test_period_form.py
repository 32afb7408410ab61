"""Bad input on the revenue overview, its drill-down and the settlement view: each refusal
names its field as the form labels it and, for a month, the form the field takes ("MM.JJJJ"
in German); the month stays as typed, marked; never a 500. The API keeps its own refusal,
naming the parameter and the ISO form (decision 0013: one rule, told in each surface's
terms)."""

import html
from typing import Any

import pytest

from verbund.core.tests.openapi import api_schema
from verbund.revenue.actions import do_record_revenue

pytestmark = pytest.mark.django_db


@pytest.fixture
def head(org: Any) -> Any:
    party = org("Holding AG")
    do_record_revenue(actor=None, party=party, month="2025-03", amount="100.00")
    return party


def _errors(response: Any) -> str:
    text = response.content.decode()
    start = text.index('data-testid="revenue-error"')
    return " ".join(text[start : text.index("</div>", start)].split())


@pytest.mark.parametrize(
    ("params", "german", "english"),
    [
        (
            {"span": "months", "from": "13.2026"},
            "Von Monat: „13.2026“ ist kein Monat (MM.JJJJ).",
            "From month: “13.2026” is not a month (YYYY-MM).",
        ),
        (
            {"span": "months", "from": "01.2026", "to": "2026-13"},
            "Bis Monat: „2026-13“ ist kein Monat (MM.JJJJ).",
            "To month: “2026-13” is not a month (YYYY-MM).",
        ),
        # A month the rule does not take (before 1900) is no month either, in the field's terms.
        (
            {"span": "months", "from": "01.1800"},
            "Von Monat: „01.1800“ ist kein Monat (MM.JJJJ).",
            "From month: “01.1800” is not a month (YYYY-MM).",
        ),
        # The rule's own refusal, on the field it names, told with that field's label.
        (
            {"span": "months", "from": "12.2026", "to": "01.2026"},
            "Bis Monat: Der Zeitraum endet, bevor er beginnt.",
            "To month: The period ends before it begins.",
        ),
        (
            {"span": "months", "from": "01.2000", "to": "12.2026"},
            "Bis Monat: Ein Zeitraum umfasst höchstens zehn Jahre.",
            "To month: A period spans at most ten years.",
        ),
        (
            {"span": "quarter", "year": "2025", "quarter": "9"},
            "Quartal: Der Wert muss zwischen 1 und 4 liegen.",
            "Quarter: The value must lie between 1 and 4.",
        ),
        (
            {"span": "months", "year": "abc"},
            "Jahr: abc ist keine ganze Zahl.",
            "Year: abc is not a whole number.",
        ),
    ],
)
def test_a_refusal_names_the_field_as_the_form_labels_it(
    client_for, head, params, german, english
) -> None:
    client = client_for("viewer")
    for url in ("/revenue/", f"/revenue/heads/{head.pk}/", f"/parties/{head.pk}/settlement/"):
        answer = client.get(url, params)
        assert answer.status_code == 400, url
        assert german in _errors(answer), url
        # No internal field name, no other form of the month.
        assert "from:" not in _errors(answer) and "JJJJ-MM" not in _errors(answer)
    answer = client.get("/revenue/", params, HTTP_ACCEPT_LANGUAGE="en")
    assert english in _errors(answer)


def test_a_refused_month_stays_as_typed_and_is_marked(client_for, head) -> None:
    page = client_for("viewer").get("/revenue/", {"span": "months", "from": "13.2026"})
    text = page.content.decode()
    assert 'value="13.2026"' in text
    assert (
        'data-testid="revenue-from" aria-invalid="true" aria-describedby="revenue-errors"' in text
    )
    assert 'role="alert" id="revenue-errors"' in text


@pytest.mark.parametrize(
    "query",
    [
        "span=months&from=%00",
        "year=%00",
        "span=months&from=01.0001",
        "span=months&from=01.10000",
        "span=months&from=31.02.2026",
        "span=months&from=12.9999&to=12.9999",
        "span=months&from=01.1900",
        "span=quarter&year=9999&quarter=4",
        "year=99999999999999999999999",
        "span=bad",
        "kind=bad",
        "mode=bad",
        "sort=bad",
    ],
)
def test_bad_input_never_gives_a_500(client_for, head, query) -> None:
    client = client_for("viewer")
    for url in ("/revenue/", f"/revenue/heads/{head.pk}/", f"/parties/{head.pk}/settlement/"):
        assert client.get(f"{url}?{query}").status_code in (200, 400), url
        assert client.get(f"{url}export.csv?{query}").status_code in (200, 400), url


def test_an_export_refused_says_why_as_plain_text(client_for, head) -> None:
    answer = client_for("viewer").get(
        "/revenue/export.csv", {"span": "months", "from": "<script>alert(1)</script>"}
    )
    assert answer.status_code == 400
    assert answer["Content-Type"] == "text/plain; charset=utf-8"
    assert answer.content.decode().startswith("Von Monat: „<script>")


def test_the_api_keeps_its_own_refusal(api_for, head) -> None:
    api = api_for("viewer")
    answer = api.get("/api/v1/revenue/top/", {"from": "13.2026"})
    assert answer.status_code == 400
    assert answer.json() == {"from": ["13.2026 ist kein Monat (JJJJ-MM)."]}
    answer = api.get("/api/v1/revenue/top/", {"from": "2026-12", "to": "2026-01"})
    assert answer.json() == {"to": ["Der Zeitraum endet, bevor er beginnt."]}


# The keys the pages send behind their selects and sort links; a refusal never names them.
KEYS = ("year", "quarter", "months", "current", "historic", "group", "chain", "association")


@pytest.mark.parametrize(
    ("urls", "params", "german", "english"),
    [
        (
            ("/revenue/", "/revenue/heads/{pk}/", "/parties/{pk}/settlement/"),
            {"span": "weeks"},
            "Zeitraum: Wählen Sie Jahr, Quartal oder Monate.",
            "Period: Choose Year, Quarter or Months.",
        ),
        (
            ("/revenue/", "/revenue/heads/{pk}/", "/parties/{pk}/settlement/"),
            {"mode": "future"},
            "Struktur: Wählen Sie heutige Struktur oder Struktur des jeweiligen Monats.",
            "Structure: Choose today's structure or structure of each month.",
        ),
        (
            ("/revenue/", "/revenue/heads/{pk}/"),
            {"kind": "branches"},
            "Rangliste der: Wählen Sie Konzerne, Ketten oder Verbände.",
            "Ranking of: Choose Groups, Chains or Associations.",
        ),
        (
            ("/parties/{pk}/settlement/",),
            {"sort": "colour"},
            "Sortierung: Wählen Sie Lieferadresse, Nummer, Umsatz, Vorjahr, Veränderung oder "
            "Mitglied / Unterverband.",
            "Sort order: Choose Delivery address, Number, Revenue, Previous year, Change or "
            "Member / sub-association.",
        ),
    ],
)
def test_a_refused_choice_names_the_choices_as_the_form_labels_them(
    client_for, head, urls, params, german, english
) -> None:
    client = client_for("viewer")
    for template in urls:
        url = template.format(pk=head.pk)
        for language, message in (("de", german), ("en", english)):
            answer = client.get(url, params, HTTP_ACCEPT_LANGUAGE=language)
            assert answer.status_code == 400, url
            errors = html.unescape(_errors(answer))
            assert message in errors, (url, errors)
            if language == "de":
                assert not any(key in errors for key in KEYS), (url, errors)
        # The export says the same, as plain text.
        export = client.get(f"{url}export.csv", params)
        assert export.status_code == 400 and german in export.content.decode(), url


def test_the_api_refuses_a_choice_in_the_same_words_and_its_schema_names_the_keys(
    api_for, head
) -> None:
    api = api_for("viewer")
    answer = api.get("/api/v1/revenue/top/", {"mode": "future"})
    assert answer.status_code == 400
    assert answer.json() == {
        "mode": ["Wählen Sie heutige Struktur oder Struktur des jeweiligen Monats."]
    }
    answer = api.get(f"/api/v1/parties/{head.pk}/revenue/", {"structure": "future"})
    assert answer.json() == {
        "structure": ["Wählen Sie heutige Struktur oder Struktur des jeweiligen Monats."]
    }
    answer = api.get(
        f"/api/v1/parties/{head.pk}/revenue/", {"scope": "everything"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert answer.json() == {
        "scope": [
            "Choose this party only, the whole group, this party and everything below it or "
            "settled through this party (association)."
        ]
    }
    # An API user finds the keys, and which label each stands for, in the schema.
    params = {
        p["name"]: p
        for p in api_schema()["paths"]["/api/v1/parties/{id}/revenue/"]["get"]["parameters"]
    }
    assert sorted(params["structure"]["schema"]["enum"]) == ["current", "historic"]
    assert "current: today's structure" in params["structure"]["description"]
    assert sorted(params["scope"]["schema"]["enum"]) == ["association", "group", "own", "subtree"]
    assert "own: this party only" in params["scope"]["description"]
