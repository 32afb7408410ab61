"""Numbers in the environment: a typo names its variable instead of a bare ValueError."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from verbund.settings import env_number


def test_an_unset_or_blank_number_is_its_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VERBUND_EMAIL_PORT", raising=False)
    assert env_number("VERBUND_EMAIL_PORT", 587) == 587
    monkeypatch.setenv("VERBUND_EMAIL_PORT", "  ")
    assert env_number("VERBUND_EMAIL_PORT", 587) == 587
    monkeypatch.setenv("VERBUND_EMAIL_PORT", " 2525 ")
    assert env_number("VERBUND_EMAIL_PORT", 587) == 2525
    monkeypatch.setenv("VERBUND_JOB_STALE_SECONDS", "90.5")
    assert env_number("VERBUND_JOB_STALE_SECONDS", 300.0) == 90.5


def test_a_value_that_is_no_number_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VERBUND_EMAIL_TIMEOUT", "30s")
    with pytest.raises(ImproperlyConfigured, match="VERBUND_EMAIL_TIMEOUT='30s' is not a whole"):
        env_number("VERBUND_EMAIL_TIMEOUT", 30)
