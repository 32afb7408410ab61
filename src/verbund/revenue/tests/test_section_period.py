"""The customer file's revenue section reads its month fields as it shows them ("05.2025") and
says what it cannot read, instead of showing this year's figures without a word (the second
test failed before)."""

import pytest

from verbund.revenue.tests.test_like_for_like import _text, on_7_december_2025, world  # noqa: F401

pytestmark = pytest.mark.django_db


def test_months_typed_as_the_section_shows_them_are_the_months_shown(client_for, world):  # noqa: F811
    client = client_for("viewer")
    url = f"/parties/{world['h'].pk}/revenue/"
    section = _text(client.get(url, {"rev_from": "03.2025", "rev_to": "05.2025"}))
    assert (
        'data-testid="revenue-compared">März\u2013Mai 2025 im Vergleich zu März\u2013Mai 2024</p>'
        in section
    )
    # 3 x (110 + 50) against 3 x (100 + 50).
    assert "<strong>480,00 €</strong>" in section
    assert 'name="rev_from" value="03.2025"' in section
    assert 'data-testid="revenue-section-error"' not in section
    # The API's form still reads.
    iso = _text(client.get(url, {"rev_from": "2025-03", "rev_to": "2025-05"}))
    assert "<strong>480,00 €</strong>" in iso


def test_a_month_that_is_none_or_a_period_ending_before_it_begins_is_said(client_for, world):  # noqa: F811
    client = client_for("viewer")
    url = f"/parties/{world['h'].pk}/revenue/"
    wrong = _text(client.get(url, {"rev_from": "13.2025", "rev_to": "05.2025"}))
    assert 'role="alert" data-testid="revenue-section-error"' in wrong
    assert "Von Monat: „13.2025“ ist kein Monat (MM.JJJJ)." in wrong
    backwards = _text(client.get(url, {"rev_from": "05.2025", "rev_to": "03.2025"}))
    assert "Der Zeitraum endet, bevor er beginnt." in backwards
    english = _text(client.get(url, {"rev_from": "2025-13"}, HTTP_ACCEPT_LANGUAGE="en"))
    assert "From month: “2025-13” is not a month (YYYY-MM)." in english


@pytest.mark.parametrize("year", ["1", "0", "10000", "zwei", "1" * 5000])
def test_a_year_out_of_range_or_no_number_is_said_not_a_500(client_for, world, year):  # noqa: F811
    res = client_for("viewer").get(f"/parties/{world['h'].pk}/revenue/", {"rev_year": year})
    assert res.status_code == 200
    text = _text(res)
    assert 'data-testid="revenue-section-error"' in text and "Jahr: " in text
