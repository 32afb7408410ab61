"""A filter value holding "%" is refused naming the filter, never a 500 (schemathesis found
django-filter formatting the message a second time)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "param"),
    [
        ("/api/v1/follow-ups/", "due_after"),
        ("/api/v1/follow-ups/", "due_before"),
        ("/api/v1/follow-ups/", "assigned_to"),
        ("/api/v1/relationships/", "valid_on"),
    ],
)
def test_a_percent_sign_in_a_filter_value_is_a_400_naming_it(api_for, url, param):
    res = api_for("viewer").get(url, {param: "Mo%d 50%"})
    assert res.status_code == 400, res.content
    assert param in res.json()
    assert "Mo%d 50%" in str(res.json()[param])
