"""Serializer pieces every domain's API shares."""

from collections.abc import Mapping
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

UNKNOWN_FIELD = _("Unknown field.")
# The largest id a database holds (64-bit); a larger number is no id, and SQLite cannot even
# compare it with one.
ID_MAX = 2**63 - 1
# Free text that is stored with a decision (a note, a reason): long enough for any real note.
NOTE_MAX_LENGTH = 2000
# Sent by the browsable API's forms, never a field of the request.
_FORM_EXTRAS = {"csrfmiddlewaretoken"}


def stored_length(model: type[Model], name: str) -> int:
    """The ``max_length`` of a model's text field: API input is bounded as the column is, so
    longer input is refused with a 400 rather than cut, or failing in the database."""
    length = getattr(model._meta.get_field(name), "max_length", None)
    if not isinstance(length, int):
        raise TypeError(f"{model.__name__}.{name} has no max_length")
    return length


# Refuses fields the serializer does not know with a 400 naming each of them. Without it a
# misspelt field ({"nmae": ...}) is dropped without a word and the request "succeeds" doing less
# than the caller meant. Read-only fields the serializer shows (id, created_at) are known fields:
# sending back what was read is no error. (A comment, not a docstring: drf-spectacular would show
# a docstring as the description of every serializer that takes the mixin.)
class StrictFieldsMixin:
    fields: Any

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields) - _FORM_EXTRAS)
            if unknown:
                raise serializers.ValidationError({name: [UNKNOWN_FIELD] for name in unknown})
        return super().to_internal_value(data)  # type: ignore[misc]


class RuleChoiceField(serializers.ChoiceField):
    """A choice the schema documents, whose unknown value is left to the action: its rule
    refuses it with the message every other path (import, sync, CLI) gives."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or not isinstance(data, str):
            self.fail("invalid_choice", input=data)
        return data


def rule_checked(field: serializers.Field, *kinds: type) -> serializers.Field:
    """``field`` without its validators of ``kinds`` (a length, an e-mail address) where the
    action checks the same with its rule's message; ``max_length`` stays for the schema."""
    field.validators = [v for v in field.validators if not isinstance(v, kinds)]
    return field
