"""Field rules for parties, shared by actions, forms and importers."""

import re
import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from verbund.core.countries import ISO_COUNTRIES

_LEI = re.compile(r"^[0-9A-Z]{18}[0-9]{2}$")


def validate_country(value: str) -> None:
    if value and value.upper() not in ISO_COUNTRIES:
        raise ValidationError(
            _("%(value)s is not an ISO 3166 country code.") % {"value": value}, code="country"
        )


def lei_checksum_ok(lei: str) -> bool:
    """ISO 17442 LEIs carry ISO 7064 MOD 97-10 check digits."""
    digits = "".join(str(string.ascii_uppercase.index(c) + 10) if c.isalpha() else c for c in lei)
    return int(digits) % 97 == 1


def validate_lei(value: str) -> None:
    if not value:
        return
    if not _LEI.match(value) or not lei_checksum_ok(value):
        raise ValidationError(
            _("%(value)s is not a valid LEI (20 characters with check digits).") % {"value": value},
            code="lei",
        )


_VAT = re.compile(r"^[A-Z]{2}[0-9A-Z+*.]{2,13}$")


def validate_vat_id(value: str) -> None:
    if value and not _VAT.match(value.replace(" ", "").upper()):
        raise ValidationError(
            _("%(value)s is not a VAT id (country prefix and 2 to 13 characters).")
            % {"value": value},
            code="vat_id",
        )
