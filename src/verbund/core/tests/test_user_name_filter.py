"""``{{ user|user_name }}`` names a user as ``core.formatting.user_name`` and the history do:
the full name, else the user name; it reads only the user's own fields."""

from collections.abc import Callable
from typing import Any

import pytest
from django.template import Context, Template

from verbund.core.formatting import user_name

pytestmark = pytest.mark.django_db

TEMPLATE = Template("{% load verbund_format %}[{{ who|user_name }}]")


def render(who: Any) -> str:
    return TEMPLATE.render(Context({"who": who}))


def test_a_user_with_a_name_reads_as_the_name_and_one_without_as_the_user_name(
    make_user: Callable[..., Any], django_assert_num_queries: Any
) -> None:
    named = make_user(username="eva", first_name="Eva", last_name="Lorenz")
    unnamed = make_user(username="jobs")
    with django_assert_num_queries(0):
        assert render(named) == "[Eva Lorenz]" == f"[{user_name(named)}]"
        assert render(unnamed) == "[jobs]" == f"[{user_name(unnamed)}]"


def test_no_user_reads_as_nothing() -> None:
    assert render(None) == "[]"
