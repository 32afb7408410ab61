"""Refusals of the actions beyond bad input.

``Conflict``: what is stored, not the request, refuses the write (a relationship type in use
cannot be deleted). It is a Django ``ValidationError`` like every refusal of an action, so the
pages and commands show its message as they show any other; the API answers it with 409
Conflict instead of 400 (``core.api.exception_handler``, decision 0038).
"""

from django.core.exceptions import ValidationError


class Conflict(ValidationError):
    """A write refused because of stored data; the same field-named messages as a
    ``ValidationError``."""
