"""The API's exception handler: action refusals become 400s naming the field."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError

from verbund.core.api import exception_handler
from verbund.core.errors import Conflict


def test_a_field_error_from_an_action_becomes_a_400_naming_the_field():
    response = exception_handler(
        ValidationError({"valid_to": ["too early"], "share": ["no share"]}), {}
    )
    assert response is not None and response.status_code == 400
    assert response.data == {"valid_to": ["too early"], "share": ["no share"]}


def test_an_error_without_a_field_becomes_non_field_errors():
    response = exception_handler(ValidationError("merged"), {})
    assert response is not None and response.status_code == 400
    assert response.data == {"non_field_errors": ["merged"]}


def test_a_lost_race_on_a_constraint_is_a_409_not_a_500():
    response = exception_handler(
        IntegrityError("UNIQUE constraint failed: parties_party.number\nDETAIL ..."), {}
    )
    assert response is not None and response.status_code == 409
    assert response.data == {"non_field_errors": ["UNIQUE constraint failed: parties_party.number"]}


def test_other_exceptions_are_left_to_django():
    assert exception_handler(RuntimeError("bug"), {}) is None


def test_a_refusal_because_of_stored_data_is_a_409_naming_the_field():
    response = exception_handler(Conflict({"type": ["in use"]}), {})
    assert response is not None and response.status_code == 409
    assert response.data == {"type": ["in use"]}
