"""The rules of a single relationship: the one home of each check and of its message.

Plain values in, a message or None out, cheap enough for a row-oriented bulk path.
``relationships.actions.validate_relationship`` calls them for one link and raises a
ValidationError naming each field; the ERP import and the sync API call them per row and
report row and field (``interfaces.engine``). The hierarchy rules (one parent at a time, no
cycle) are ``hierarchies.rules``. Never copy a message out of here: call the rule.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from verbund.core.formatting import format_date
from verbund.parties.models import PartyKind
from verbund.relationships.models import KindRule

_ZERO, _HUNDRED = Decimal(0), Decimal(100)

# A write that ends a link and starts another (moving a subtree, changing a main address) is
# a change and an addition: who does it needs both, as ending a link alone asks for the change.
RELINK_PERMISSIONS = ("relationships.add_relationship", "relationships.change_relationship")


def unknown_type(key: str) -> str:
    """The message for a type key (or name) that names no relationship type."""
    return _("There is no relationship type with the key %(key)s.") % {"key": key}


def could_be_type_key(key: str | None) -> bool:
    """Whether ``key`` may be looked up (it has no NUL character): a NUL is in no key, and
    PostgreSQL refuses it even in a query (a 500)."""
    return "\x00" not in (key or "")


def inactive_type_error(active: bool, type_name: str) -> str | None:
    """Inactive types keep their links but take no new ones."""
    if not active:
        return _("Type %(name)s is inactive and takes no new relationships.") % {"name": type_name}
    return None


def self_link_error(from_party: Any, to_party: Any) -> str | None:
    """A party is never related to itself (ids, or references that name parties)."""
    if from_party == to_party:
        return _("A party cannot be related to itself.")
    return None


def side_kind_error(rule: str, kind: str, type_name: str) -> str | None:
    """The kind of party (organisation, person) a side of the type allows."""
    if rule != KindRule.ANY and rule != kind:
        return _("%(type)s does not allow a %(kind)s on this side.") % {
            "type": type_name,
            "kind": PartyKind(kind).label,
        }
    return None


def dates_error(valid_from: dt.date | None, valid_to: dt.date | None) -> str | None:
    """Validity is inclusive: the last day may be the first, never before it."""
    if valid_from and valid_to and valid_to < valid_from:
        return _("The end date %(to)s lies before the start date %(from)s.") % {
            "to": format_date(valid_to),
            "from": format_date(valid_from),
        }
    return None


def same_link_open(valid_from: dt.date | None) -> str:
    """The same link (type, parties) is stored open already."""
    return _("This link exists already (since %(from)s).") % {
        "from": format_date(valid_from) or "—"
    }


def same_link_overlap(valid_from: dt.date | None, valid_to: dt.date | None) -> str:
    """The same link is stored over some of the days asked for; the stored one's period."""
    return _("The validity overlaps the same link from %(from)s to %(to)s.") % {
        "from": format_date(valid_from) or "—",
        "to": format_date(valid_to) or "—",
    }


def already_ended(valid_to: dt.date) -> str:
    """An end on or after the stored end: the link ended already."""
    return _("This relationship already ended on %(day)s.") % {"day": format_date(valid_to)}


def not_ended() -> str:
    """Reopening a link that has no end: there is nothing to take back."""
    return _("This relationship has no end date; there is nothing to reopen.")


def not_a_number(value: Any) -> str:
    """The message for a share that is no number."""
    return _("%(value)s is not a number.") % {"value": value}


def share_range_error(share: Decimal) -> str | None:
    """A share is a percentage: more than 0, at most 100."""
    if not (_ZERO < share <= _HUNDRED):
        return _("A share must be more than 0 and at most 100 percent.")
    return None


# share_range_error for the API schema, as the share's text with at most four decimals (the
# column's): 100 (with zeros after the point), 1 to 99.9999, or 0.0001 to 0.9999.
SHARE_PATTERN = (
    r"^(?:100(?:\.0{0,4})?|[1-9][0-9]?(?:\.[0-9]{0,4})?"
    r"|0?\.(?:[1-9][0-9]{0,3}|0[1-9][0-9]{0,2}|00[1-9][0-9]?|000[1-9]))$"
)


def share_error(share: Decimal | None, carries_share: bool, type_name: str) -> str | None:
    """Only types that carry a share take one, and then within its range."""
    if share is None:
        return None
    if not carries_share:
        return _("%(type)s does not carry a share.") % {"type": type_name}
    return share_range_error(share)


def share_key(value: Any) -> str:
    """A share's canonical text (``75.5`` for 75.5000), for comparing and exporting."""
    if value is None or value == "":
        return ""
    return format(Decimal(str(value)).normalize(), "f")
