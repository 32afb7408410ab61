"""Form helpers for the views of every domain. Forms render and parse input; every rule lives
in the domains' actions and rules modules."""

from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError


def apply_errors(
    form: forms.BaseForm, exc: ValidationError, field_map: Mapping[str, str] | None = None
) -> None:
    """Put the errors of an action's ValidationError on the form fields they name.

    ``field_map`` renames the action's fields to the form's (e.g. ``to_party`` -> ``other``);
    errors on fields the form does not have, and errors without a field, go to the form itself.
    """
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = (field_map or {}).get(field, field)
            form.add_error(target if target in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
