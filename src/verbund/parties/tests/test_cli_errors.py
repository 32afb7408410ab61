"""`verbund party` and `verbund demo` with bad input, through the shared helper: a non-zero exit
and one clear line per refused field, naming the option, no traceback."""

import pytest

from verbund.core.testing import assert_cli_refuses

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("keep_test_connection")]


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["party", "create", "--name", "X", "--email", "kein-mail"], "--email"),
        (["party", "create", "--name", "X", "--kind", "robot"], "--kind"),
        (["party", "create", "--name", "X", "--birth-date", "gestern"], "--birth-date"),
        (["party", "create", "--name", "X", "--organisation", "K-404"], "--organisation"),
        (["party", "show", "K-404"], "K-404"),
        (["party", "archive", "K-404"], "K-404"),
        (["demo", "--size", "0"], "--size"),
        (["demo", "--size", "viele"], "--size"),
    ],
)
def test_bad_arguments_are_named(capsys, args, names):
    assert_cli_refuses(capsys, *args, names=names)


def test_a_bad_country_is_one_line(capsys):
    assert_cli_refuses(
        capsys, "party", "create", "--name", "X", "--country", "QQQ", names="--country"
    )


def test_a_person_without_a_last_name_gets_one_line(capsys):
    assert_cli_refuses(capsys, "party", "create", "--kind", "person", names="--last-name")
