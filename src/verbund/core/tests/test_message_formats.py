"""Messages of every app write dates and numbers as the reader's language does: "am 20.02.2015",
"20.000", not ISO dates or bare digits (#22.7, walk point 8)."""

import datetime as dt
import io

from django.utils import translation

from verbund.hierarchies import rules as hierarchy_rules

DAY = dt.date(2015, 2, 20)


def test_a_cycle_and_a_second_parent_name_their_dates_in_german_and_english():
    with translation.override("de"):
        assert "20.02.2015" in hierarchy_rules.cycle(DAY, ["A", "B", "A"])
        text = hierarchy_rules.second_parent("B", "Konzern", DAY, None, "A")
        assert "20.02.2015" in text and "2015-02-20" not in text
    with translation.override("en"):
        assert "20 Feb 2015" in hierarchy_rules.cycle(DAY, ["A", "B", "A"])


def test_the_demo_revenue_counts_with_grouping(monkeypatch):
    from verbund.revenue import demo

    monkeypatch.setattr(demo, "do_generate_demo_revenue", lambda *args, **kwargs: 20000)
    out = io.StringIO()
    with translation.override("de"):
        demo.generate_revenue(None, 12, 1, stdout=out)
    assert "20.000" in out.getvalue()


def test_the_screening_report_writes_german_times_and_numbers():
    from verbund.compliance import reports

    with translation.override("de"):
        moment = dt.datetime(2026, 12, 5, 13, 30, tzinfo=dt.UTC)
        assert reports._moment(moment) == "05.12.2026 14:30"
