"""The line naming the months compared ("2025 im Vergleich zu 2024 (bis zum letzten
vollständigen Monat)") is one include on all four revenue pages: a change to its wording or its
rule reaches the overview, the drill-down, the settlement view and the file's section alike."""

from pathlib import Path

import pytest

from verbund.revenue.tests.test_like_for_like import _text, on_7_december_2025, world  # noqa: F401

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "revenue"
PAGES = ("overview.html", "drilldown.html", "settlement.html", "section.html")


def test_the_four_revenue_pages_take_the_compared_line_from_one_include():
    for name in PAGES:
        source = (TEMPLATES / name).read_text()
        assert '{% include "revenue/_compared.html" %}' in source, name
    holding = [
        p.name for p in TEMPLATES.glob("*.html") if "{{ period }} compared with" in p.read_text()
    ]
    assert holding == ["_compared.html"]


@pytest.mark.django_db
def test_the_four_revenue_pages_say_the_same_about_the_months_compared(client_for, world):  # noqa: F811
    client = client_for("viewer")
    line = "Jan.\u2013Nov. 2025 im Vergleich zu Jan.\u2013Nov. 2024 (bis zum letzten vollständigen Monat)"
    pages = {
        "overview": _text(client.get("/revenue/", {"year": "2025"})),
        "drill-down": _text(client.get(f"/revenue/heads/{world['h'].pk}/", {"year": "2025"})),
        "settlement": _text(client.get(f"/parties/{world['z'].pk}/settlement/", {"year": "2025"})),
    }
    for name, page in pages.items():
        assert f"{line} ·" in page, name
    section = _text(client.get(f"/parties/{world['h'].pk}/revenue/", {"rev_year": "2025"}))
    assert f'data-testid="revenue-compared">{line}</p>' in section
