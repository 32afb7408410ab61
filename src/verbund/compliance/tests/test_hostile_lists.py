"""A sanctions list built to hurt: FollowTheMoney JSON lines nested 100,000 levels (issue 21)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from verbund.compliance.actions import do_import_list
from verbund.compliance.models import ListVersion
from verbund.compliance.parsers import ListFormatError, parse

ENTITY = '{"id": "os-1", "schema": "Person", "properties": {"name": ["Ivan Petrov"]}}'


def test_ftm_json_nested_100000_levels_names_file_and_line() -> None:
    deep = (
        '{"id": "os-2", "schema": "Person", "properties": {"name": '
        + "[" * 100_000
        + "]" * 100_000
        + "}}"
    )
    with translation.override("en"), pytest.raises(ListFormatError) as refused:
        parse("ftm", [("entities.ftm.json", f"{ENTITY}\n{deep}\n".encode())])
    assert str(refused.value) == (
        "entities.ftm.json line 2: the JSON is nested deeper than 32 levels."
    )


def test_ftm_json_nested_33_levels_is_refused_too() -> None:
    props = '{"name": ["X"], "notes": ' + "[" * 31 + "]" * 31 + "}"
    line = '{"id": "os-3", "schema": "Person", "properties": ' + props + "}"
    with pytest.raises(ListFormatError, match="line 1"):
        parse("ftm", [("e.json", line.encode())])


@pytest.mark.django_db
def test_a_deep_list_file_is_refused_and_writes_nothing() -> None:
    deep = "[" * 100_000 + "]" * 100_000
    with pytest.raises(ValidationError):
        do_import_list("ftm", [("e.json", f"{ENTITY}\n{deep}\n".encode())], actor=None)
    assert not ListVersion.objects.exists()
