"""`verbund token` and `verbund check` with bad input, through the shared helper."""

import pytest

from verbund.core.testing import assert_cli_refuses

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["token", "create", "nobody"], "nobody"),
        (["token", "create"], "username"),
        (["token", "delete", "x"], "delete"),
        (["check", "--nonsense"], "--nonsense"),
    ],
)
def test_bad_arguments_are_named(capsys, args, names):
    assert_cli_refuses(capsys, *args, names=names)


def test_an_unknown_app_is_named(capsys):
    assert_cli_refuses(capsys, "check", "no_such_app", names="no_such_app")


def test_an_unknown_language_is_named(capsys, monkeypatch):
    monkeypatch.setenv("VERBUND_LANGUAGE", "klingonisch")
    assert_cli_refuses(capsys, "check", names="klingonisch")
