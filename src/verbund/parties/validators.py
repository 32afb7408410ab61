"""Django-style validators (raise ``ValidationError``) for form and model fields.

Thin wrappers: each rule and its message live in ``parties.rules``.
"""

from django.core.exceptions import ValidationError

from verbund.parties import rules
from verbund.parties.rules import lei_checksum_ok

__all__ = ["lei_checksum_ok", "validate_country", "validate_lei", "validate_vat_id"]


def validate_country(value: str) -> None:
    message = rules.country_error(value)
    if message:
        raise ValidationError(message, code="country")


def validate_lei(value: str) -> None:
    message = rules.lei_error(value)
    if message:
        raise ValidationError(message, code="lei")


def validate_vat_id(value: str) -> None:
    message = rules.vat_id_error(rules.normal_vat_id(value or ""))
    if message:
        raise ValidationError(message, code="vat_id")
