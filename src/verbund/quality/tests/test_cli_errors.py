"""`verbund dedupe` with bad input: a non-zero exit and one clear line naming the argument."""

import pytest

from verbund.core.testing import assert_cli_refuses

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("keep_test_connection")]


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["--kind", "robot"], "--kind"),
        (["--threshold", "abc"], "--threshold"),
        (["--limit", "viele"], "--limit"),
        (["--nonsense"], "--nonsense"),
    ],
)
def test_dedupe_refuses_bad_arguments(capsys, args, names):
    assert_cli_refuses(capsys, "dedupe", *args, names=names)


@pytest.mark.parametrize("threshold", ["5", "-1", "nan"])
def test_dedupe_refuses_a_threshold_that_is_no_probability(capsys, threshold):
    assert_cli_refuses(capsys, "dedupe", "--threshold", threshold, names="threshold")
