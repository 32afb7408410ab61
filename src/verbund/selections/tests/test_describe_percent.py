"""A saved selection names its revenue-change filters as percentages, as every page does."""

import pytest
from django.utils import translation

from verbund.selections.describe import filters

pytestmark = pytest.mark.django_db


def test_a_revenue_change_filter_reads_as_a_percentage_in_the_readers_language() -> None:
    saved = {"revenue_change_min": "12.5", "revenue_change_max": "-10"}
    with translation.override("de"):
        shown = dict(filters(saved)).values()
        assert sorted(shown) == ["-10\u00a0%", "12,5\u00a0%"]
    with translation.override("en"):
        assert sorted(dict(filters(saved)).values()) == ["-10%", "12.5%"]
    with translation.override("de"):
        assert list(dict(filters({"revenue_change_min": "abc"})).values()) == ["abc"]
