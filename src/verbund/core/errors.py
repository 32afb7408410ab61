"""Refusals of the actions beyond bad input.

``Conflict``: what is stored, not the request, refuses the write (a relationship type in use
cannot be deleted or change its shape, a party number or ERP key is another party's). It is a
Django ``ValidationError`` like every refusal of an action, so the pages and commands show its
message as they show any other; the API answers it with 409 Conflict instead of 400
(``core.api.exception_handler``, decision 0038).

``refuse`` raises the one refusal of a write that found both kinds: bad input first.
``renamed`` gives a refusal the field names of a request that names them otherwise.
"""

from django.core.exceptions import ValidationError


class Conflict(ValidationError):
    """A write refused because of stored data; the same field-named messages as a
    ``ValidationError``."""


def refuse(errors: dict[str, list[str]], conflicts: dict[str, list[str]]) -> None:
    """Raise the refusal of a write, if it has one. ``errors`` are the request's own faults,
    ``conflicts`` the fields stored data refuses (each field with its messages).

    A request with faults of its own is bad input: a ``ValidationError`` naming every field,
    the conflicts beside the faults (a page shows them all at once). Only a request that is
    fine in itself and meets stored data it cannot change is a ``Conflict``."""
    if errors:
        merged = {field: list(messages) for field, messages in errors.items()}
        for field, messages in conflicts.items():
            merged.setdefault(field, []).extend(messages)
        raise ValidationError(merged)
    if conflicts:
        raise Conflict(conflicts)


def renamed(exc: ValidationError, names: dict[str, str]) -> ValidationError:
    """The same refusal, a ``Conflict`` still one, with its fields under the names the request
    gave them (``names``: the action's field to the request's, e.g. a link's ``to_party`` to
    a move's ``to``); messages of two fields under one name are kept both."""
    if not hasattr(exc, "error_dict"):
        return exc
    fields: dict[str, list[str]] = {}
    for field, messages in exc.message_dict.items():
        fields.setdefault(names.get(field, field), []).extend(messages)
    return Conflict(fields) if isinstance(exc, Conflict) else ValidationError(fields)
