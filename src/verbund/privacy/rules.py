"""Data-protection rules: who is a data subject, what holds an erasure back, what is due for
retention. The one home of each rule and its message; the actions, the retention run, the API
and the pages call them (plain values in, a message or None out).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from verbund.compliance.models import HitStatus
from verbund.parties.rules import is_data_subject

# Sanctions hits that keep a party's data: retention under the Außenwirtschaftsgesetz and the
# Geldwäschegesetz applies while a hit is open or confirmed (also awaiting its second review).
HOLDING_HIT_STATUSES = (HitStatus.OPEN, HitStatus.PENDING, HitStatus.CONFIRMED)

# What reaches a party on an advertising channel: the party's fields a mailing on it needs,
# every one filled (a letter needs street, postcode and city). A party without them is left out
# of that channel's advertising selection, and the page says how many.
REACH_FIELDS: dict[str, tuple[str, ...]] = {
    "post": ("street", "postcode", "city"),
    "email": ("email",),
    "phone": ("phone",),
}
# Why the channel does not reach a party, as the advertising page says it.
UNREACHABLE_LABELS = {
    "post": gettext_lazy("no postal address (street, postcode and city)"),
    "email": gettext_lazy("no e-mail address"),
    "phone": gettext_lazy("no phone number"),
}

# What erased personal values become: the name line, and free text.
ERASED_NAME = "gelöschte Person #%(number)s"
ERASED_TEXT = "[gelöscht]"

# A party's fields that hold personal data, emptied by an erasure (the name line becomes
# ERASED_NAME). Kind, number, legal form, country, status, ERP key, organisation, tags and
# every relationship and revenue figure stay: they are the company's, not the person's.
PERSONAL_FIELDS = (
    "name", "name2", "name3", "salutation", "title", "first_name", "last_name", "position",
    "birth_date", "street", "postcode", "city", "phone", "email", "website", "vat_id", "lei",
    "register_number", "search_text", "phonetic",
)  # fmt: skip
# Free text of a person's activities.
ACTIVITY_TEXT_FIELDS = ("subject", "text")
# Shortest value searched for and replaced in free text (shorter ones would hit other words).
MIN_NEEDLE = 3


def not_a_data_subject_error(kind: str, sole_trader: bool) -> str | None:
    if not is_data_subject(kind, sole_trader):
        return _(
            "Only persons and sole traders are data subjects; this organisation's data is not "
            "personal data."
        )
    return None


def already_erased_error(erased: bool) -> str | None:
    return _("This party's personal data was already erased.") if erased else None


def hold_error(holding_hits: int, hold_until: dt.date | None, hold_reason: str = "") -> str | None:
    """Why the data must be kept, or None: an open or confirmed sanctions hit (AWG, GwG) or a
    legal hold set by the privacy role until a date."""
    if holding_hits:
        return _(
            "Legal hold: %(n)s open or confirmed sanctions hit(s). Screening records are kept "
            "under the Außenwirtschaftsgesetz and the Geldwäschegesetz; decide the hits first."
        ) % {"n": holding_hits}
    if hold_until is not None:
        return _("Legal hold until %(date)s: %(reason)s") % {
            "date": date_format(hold_until, "SHORT_DATE_FORMAT"),
            "reason": hold_reason,
        }
    return None


def hold_until_error(until: dt.date | None, today: dt.date) -> str | None:
    if until is None:
        return _("Give the date until which the data must be kept.")
    if until < today:
        return _("The hold must last until today or later.")
    return None


def reason_error(reason: str) -> str | None:
    if not (reason or "").strip():
        return _("Give a reason (for example the request's reference).")
    if len(reason) > 500:
        return _("Longer than %(limit)s characters.") % {"limit": 500}
    return None


def erased_name(number: str) -> str:
    return ERASED_NAME % {"number": number}


def needles(values: list[Any]) -> list[str]:
    """The personal values to search for in free text, longest first, without short ones."""
    found = {str(v).strip() for v in values if v}
    return sorted((v for v in found if len(v) >= MIN_NEEDLE), key=len, reverse=True)


def scrub(value: Any, needles: list[str], keys: dict[str, Any] | None = None) -> Any:
    """``value`` with each needle replaced by ERASED_TEXT (case-insensitive), walking JSON
    (dicts and lists); a dict key in ``keys`` takes that replacement value whole."""
    if isinstance(value, str):
        if not needles:
            return value
        low = value.casefold()
        if not any(n.casefold() in low for n in needles):
            return value
        for n in needles:
            value = _replace_folded(value, n)
        return value
    if isinstance(value, dict):
        return {
            k: (keys[k] if keys and k in keys and v not in (None, "") else scrub(v, needles, keys))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [scrub(v, needles, keys) for v in value]
    return value


def _replace_folded(text: str, needle: str) -> str:
    out, low, target, start = [], text.casefold(), needle.casefold(), 0
    if len(low) != len(text):  # casefold changed lengths (ß -> ss): exact match only
        return text.replace(needle, ERASED_TEXT)
    while (i := low.find(target, start)) >= 0:
        out.append(text[start:i])
        out.append(ERASED_TEXT)
        start = i + len(target)
    out.append(text[start:])
    return "".join(out)


# --- retention ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionRule:
    key: str
    label: Any
    years: int

    @property
    def description(self) -> str:
        return str(self.label) % {"years": self.years}


def retention_rules() -> list[RetentionRule]:
    """The retention periods (settings ``VERBUND_PRIVACY_RETENTION``: key -> years; 0 turns a
    rule off)."""
    years = {**DEFAULT_RETENTION, **getattr(settings, "VERBUND_PRIVACY_RETENTION", {})}
    return [
        RetentionRule(key, RETENTION_LABELS[key], int(years[key]))
        for key in DEFAULT_RETENTION
        if int(years[key]) > 0
    ]


DEFAULT_RETENTION = {"archived_contacts": 3, "inactive_persons": 10}
RETENTION_LABELS = {
    "archived_contacts": gettext_lazy(
        "Contacts of organisations archived for %(years)s years, and archived contacts"
    ),
    "inactive_persons": gettext_lazy(
        "Persons and sole traders without activity for %(years)s years"
    ),
}


def retention_cutoff(today: dt.date, years: int) -> dt.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def retention_running_error(running: bool) -> str | None:
    if running:
        return _("The retention rules are already being applied; wait until that run has finished.")
    return None


def no_erased_key_error() -> str:
    return _("This party has no erased ERP key waiting for release.")
