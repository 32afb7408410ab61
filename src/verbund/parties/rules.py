"""The rules of a party's own fields: the one home of each check and of its message.

Plain values in, a message or None out, so that a row-oriented bulk path can afford them:

- ``normal_*`` give a value's stored form (upper-case codes, no spaces in a VAT id);
  the checks take the normal form.
- ``*_error(value)`` return the message for a bad value, or None.
- ``name_error(kind, name, last_name)`` returns ``(field, message)`` or None.

``parties.actions.validate_party`` calls them for one party and raises a ValidationError naming
each field; the ERP import and the sync API call them per row and report row and field
(``interfaces.engine``). Never copy a message out of here: call the rule.
"""

from __future__ import annotations

import re
import string
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import CharField, Q, QuerySet
from django.utils.translation import gettext as _

from verbund.core.countries import ISO_COUNTRIES
from verbund.core.formatting import format_number
from verbund.parties.models import ErasedKey, Party, PartyKind, PartyStatus, Tag
from verbund.parties.models import tag_key as fold_tag_name

LEI_FORM = re.compile(r"^[0-9A-Z]{18}[0-9]{2}$")
VAT_ID_FORM = re.compile(r"^[A-Z]{2}[0-9A-Z+*.]{2,13}$")

# Every text column a user or a file may fill, with its length limit.
CHAR_LIMITS: dict[str, int] = {
    f.name: f.max_length
    for f in Party._meta.concrete_fields
    if isinstance(f, CharField) and f.max_length and f.editable
}
KINDS = frozenset(PartyKind.values)
STATUSES = frozenset(PartyStatus.values)


# --- stored forms ---------------------------------------------------------------------------


def normal_country(value: str) -> str:
    return value.strip().upper()


def normal_vat_id(value: str) -> str:
    return value.replace(" ", "").upper()


def normal_lei(value: str) -> str:
    return value.strip().upper()


def normal_postcode(country: str, postcode: str) -> str:
    """A German postcode as stored: five digits. Four digits are one whose leading zero a
    spreadsheet dropped ("01067" Dresden read as the number 1067); no German postcode has
    four, so the zero is put back. Any other postcode, and any of another country (Austria's
    and Switzerland's have four digits), stays as given. Decision 0059."""
    value = postcode.strip()
    if country == "DE" and len(value) == 4 and value.isascii() and value.isdigit():
        return "0" + value
    return postcode


# A postcode ``normal_postcode`` changes holds four digits in a row and never five: a filter
# the database applies, so that finding them does not read every German party into Python.
_MAY_PAD = Q(country="DE", postcode__regex=r"[0-9]{4}") & ~Q(postcode__regex=r"[0-9]{5}")


def postcode_candidates() -> QuerySet[Party]:
    """The live (not merged) parties, archived ones included, whose stored postcode may be one
    ``normal_postcode`` changes (stored before decision 0059), by id. A superset: callers keep
    the rows where ``normal_postcode`` gives another value. Merged records are frozen
    redirects (the actions refuse to change them)."""
    return Party.objects.filter(_MAY_PAD, merged_into__isnull=True).order_by("pk")


# --- checks ---------------------------------------------------------------------------------


def country_error(value: str) -> str | None:
    """An ISO 3166-1 alpha-2 code (empty passes: the field's own rule decides)."""
    if value and value.upper() not in ISO_COUNTRIES:
        return _("%(value)s is not an ISO 3166 country code.") % {"value": value}
    return None


def lei_checksum_ok(lei: str) -> bool:
    """ISO 17442 LEIs carry ISO 7064 MOD 97-10 check digits."""
    digits = "".join(str(string.ascii_uppercase.index(c) + 10) if c.isalpha() else c for c in lei)
    return int(digits) % 97 == 1


def lei_error(value: str) -> str | None:
    if value and not (LEI_FORM.match(value) and lei_checksum_ok(value)):
        return _("%(value)s is not a valid LEI (20 characters with check digits).") % {
            "value": value
        }
    return None


def vat_id_error(value: str) -> str | None:
    """A country prefix and 2 to 13 characters (of the normal form: no spaces, upper case)."""
    if value and not VAT_ID_FORM.match(value):
        return _("%(value)s is not a VAT id (country prefix and 2 to 13 characters).") % {
            "value": value
        }
    return None


def email_error(value: str) -> str | None:
    if value:
        try:
            validate_email(value)
        except ValidationError:
            return _("%(value)s is not an e-mail address.") % {"value": value}
    return None


def kind_error(value: str) -> str | None:
    if value not in KINDS:
        return _("Unknown kind; use organisation or person.")
    return None


def status_error(value: str) -> str | None:
    if value not in STATUSES:
        return _("Unknown status.")
    return None


def length_error(value: str, limit: int) -> str | None:
    if len(value) > limit:
        return _("Longer than %(limit)s characters.") % {"limit": limit}
    return None


def name_error(kind: str, name: str, last_name: str) -> tuple[str, str] | None:
    """A person needs a last name (or a name line), an organisation a name."""
    if kind == PartyKind.PERSON:
        if not (last_name or name):
            return "last_name", _("A person needs a last name.")
    elif not name:
        return "name", _("An organisation needs a name.")
    return None


# --- tags ("Merkmale") ----------------------------------------------------------------------
TAG_LIMIT = 64


def normal_tag(value: str) -> str:
    """A tag as stored: no spaces around it, one space between its words."""
    return " ".join(value.split())


def tag_key(value: str) -> str:
    """What makes two tags one: "a-kunde" is the tag "A-Kunde" (a second spelling of a label
    splits the parties it should gather). The fold is ``models.tag_key``, which ``Tag.save``
    stores as the tag's unique ``key``: what this rule calls one tag, the database refuses to
    store twice."""
    return fold_tag_name(value)


def tag_alike(name: str, exclude: int | None = None) -> Tag | None:
    """The stored tag that ``name`` is (``tag_key``), other than the tag ``exclude``; None when
    there is none. Read by the stored key, not the database's own case folding (SQLite folds
    ASCII letters only)."""
    tags = Tag.objects.filter(key=tag_key(name))
    if exclude is not None:
        tags = tags.exclude(pk=exclude)
    return tags.first()


def tag_error(value: str) -> str | None:
    """A tag's name in its normal form: not empty, at most ``TAG_LIMIT`` characters, and no
    comma (the form takes several new tags separated by commas)."""
    if not value:
        return _("A tag needs a name.")
    if "," in value:
        return _("A tag cannot contain a comma.")
    return length_error(value, TAG_LIMIT)


def known_tag(name: str) -> Tag:
    """The stored tag ``name`` is (``tag_alike``, any spelling); refused naming the name where
    there is none (a tag to remove must exist)."""
    tag = tag_alike(name)
    if tag is None:
        raise ValidationError(_("No tag “%(tag)s”.") % {"tag": name[:80]})
    return tag


# --- changing many parties at once -----------------------------------------------------------
# At most this many parties in one change while the user waits (``parties.actions.
# do_change_many``, decision 0065): on PostgreSQL every changed row costs its indexes (about
# 0.1-0.25 ms a row measured), so 10,000 take 1-2.5 s there and 0.25 s on SQLite. A bigger
# selection is changed by a background run (decision 0066).
CHANGE_MANY_LIMIT = 10_000
# At most this many in one background run (decision 0066): all or nothing, its parties' rows
# stay locked until it ends (about a minute on PostgreSQL at this size), so no one
# confirmation locks the whole party table by mistake.
CHANGE_MANY_BACKGROUND_LIMIT = 250_000


def change_many_error(count: int, *, background: bool = False) -> str | None:
    """Too many parties for one change: while the user waits (more than CHANGE_MANY_LIMIT)
    or, ``background``, in one background run (more than CHANGE_MANY_BACKGROUND_LIMIT)."""
    if background and count > CHANGE_MANY_BACKGROUND_LIMIT:
        return _(
            "%(count)s parties are too many to change in one run (at most %(limit)s): narrow "
            "the selection (e.g. by postcode area) and change it in parts."
        ) % {"count": format_number(count), "limit": format_number(CHANGE_MANY_BACKGROUND_LIMIT)}
    if not background and count > CHANGE_MANY_LIMIT:
        return _(
            "%(count)s parties are too many to change at once (at most %(limit)s): narrow the "
            "selection (e.g. by postcode area) and change it in parts."
        ) % {"count": format_number(count), "limit": format_number(CHANGE_MANY_LIMIT)}
    return None


def change_many_in_background(count: int) -> bool:
    """Whether a change of ``count`` parties runs in the background (more than the user may
    wait for; decision 0066)."""
    return count > CHANGE_MANY_LIMIT


def nothing_to_change_error(
    responsible_kept: bool, add_tags: list, remove_tags: list
) -> str | None:
    """A change of many parties that changes nothing is refused (no empty run is recorded)."""
    if responsible_kept and not any(add_tags) and not any(remove_tags):
        return _("Choose what to change.")
    return None


def tag_rename_permissions(tag: Tag, name: str) -> tuple[str, ...]:
    """What renaming ``tag`` to ``name`` needs: changing tags, and deleting them too when the
    name is another tag's (a merge deletes ``tag``)."""
    if tag_alike(name, exclude=tag.pk) is not None:
        return ("parties.change_tag", "parties.delete_tag")
    return ("parties.change_tag",)


# The field checks above by field, for callers that check whatever fields they were given.
FIELD_ERRORS = {
    "kind": kind_error,
    "status": status_error,
    "country": country_error,
    "vat_id": vat_id_error,
    "lei": lei_error,
    "email": email_error,
}


# --- data protection ------------------------------------------------------------------------
# Legal forms of a sole trader (a natural person trading under a firm, § 19 HGB), in the form
# ``legal_form_key`` gives: no dots, spaces or case.
SOLE_TRADER_FORMS = frozenset(
    {
        "ek", "ekfm", "ekfr", "ekkfm", "ekkfr", "eingetragenerkaufmann", "eingetragenekauffrau",
        "einzelunternehmen", "einzelunternehmer", "einzelunternehmerin", "einzelkaufmann",
        "einzelkauffrau", "einzelfirma", "soletrader", "soleproprietor", "soleproprietorship",
    }
)  # fmt: skip


@lru_cache(maxsize=4096)
def legal_form_key(legal_form: str) -> str:
    return "".join(c for c in (legal_form or "").lower() if c.isalnum())


def is_sole_trader(kind: str, legal_form: str) -> bool:
    """Whether an organisation's legal form says it is a sole trader (a data subject)."""
    return kind != PartyKind.PERSON and legal_form_key(legal_form) in SOLE_TRADER_FORMS


def is_data_subject(kind: str, sole_trader: bool) -> bool:
    """Persons and sole traders are data subjects (GDPR); other organisations are not."""
    return kind == PartyKind.PERSON or bool(sole_trader)


def erased_keys(source: str, keys: list[str] | None = None) -> set[str]:
    """The external ids of ``source`` whose party was erased and not released (all, or of
    ``keys``). The ERP import refuses their rows with ``erased_key_error``."""
    rows = ErasedKey.objects.filter(erp_source=source, released_at__isnull=True)
    if keys is not None:
        rows = rows.filter(erp_id__in=keys)
    return set(rows.values_list("erp_id", flat=True))


def erased_key_error(key: str) -> str:
    return _(
        "The personal data of %(key)s was erased (Art. 17 GDPR): the row is refused until the "
        "data protection officer releases the key (verbund privacy release)."
    ) % {"key": key}
