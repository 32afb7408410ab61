"""A run's duration reads as people say it: seconds with the reader's decimals under a minute,
minutes and seconds under an hour, hours and minutes beyond."""

import pytest
from django.utils import translation

from verbund.interfaces.templatetags.import_labels import run_duration


@pytest.mark.parametrize(
    ("seconds", "german", "english"),
    [
        (0.006, "0,01 s", "0.01 s"),
        (59.994, "59,99 s", "59.99 s"),
        (59.996, "1 min 0 s", "1 min 0 s"),
        (412.37, "6 min 52 s", "6 min 52 s"),
        (3712.09, "1 h 01 min", "1 h 01 min"),
        (None, "", ""),
    ],
)
def test_a_duration_reads_in_seconds_minutes_or_hours(seconds, german, english):
    with translation.override("de"):
        assert run_duration(seconds) == german
    with translation.override("en"):
        assert run_duration(seconds) == english
