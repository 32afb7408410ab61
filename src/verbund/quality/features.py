"""What a party record is compared by: its matching features (folded name and its parts,
phonetic key, street and house number, postcode, city, normalised phone, e-mail and its
domain, identifiers), derived once per record for the entry-time check and the bulk run
alike (``features``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import phonenumbers

from verbund.core.text import LEGAL_FORMS, UMLAUTS, fold, koelner_phonetik, street_key

FEATURE_COLUMNS = [
    "id", "kind", "name_key", "name_sorted", "legal_form", "first", "last", "street", "house", "postcode",
    "city", "phone", "email", "email_domain", "vat", "lei", "birth", "org", "erp_source", "erp_id",
    "group_root", "b_name", "b_first", "b_last", "phone_shared", "email_shared", "name_shared",
]  # fmt: skip

_HOUSE = re.compile(r"(\d+[a-z]?)\s*(?:[-/]\s*\d+[a-z]?)?\s*$")
_STR_SUFFIX = re.compile(r"(\w)str\b")
_EN_STREET_TYPE = re.compile(
    r"\s+(?:street|st|avenue|ave|av|road|rd|blvd|boulevard|drive|dr|lane|ln|place|court|ct|parkway|pkwy)\b\.?\s*$"
)
_EN_DIRECTION = re.compile(r"^(north|south|east|west)\s")
_FREEMAIL = {
    "gmail.com",
    "web.de",
    "gmx.de",
    "gmx.net",
    "t-online.de",
    "yahoo.com",
    "yahoo.de",
    "outlook.com",
    "hotmail.com",
    "icloud.com",
    "freenet.de",
    "aol.com",
}


_PHONE_CHARS = re.compile(r"^[\d\s()/+.-]+$")
_NON_DIGIT = re.compile(r"\D")


@lru_cache(maxsize=100_000)
def normalise_phone(raw: str, country: str = "DE") -> str:
    """E.164 form of a phone number ("" when unparsable): "0221 / 12 34-5" == "+49 221 12345"."""
    if not raw:
        return ""
    if (country or "DE").upper() == "DE" and _PHONE_CHARS.match(raw):
        # Fast path for German numbers (same result as phonenumbers, a tenth of the time).
        text = raw.strip().replace("(0)", "")
        digits = _NON_DIGIT.sub("", text)
        if text.startswith("+"):
            return "+" + digits if len(digits) >= 6 else ""
        if digits.startswith("00"):
            return "+" + digits[2:] if len(digits) >= 8 else ""
        if digits.startswith("0") and len(digits) >= 6:
            return "+49" + digits[1:]
        return digits if len(digits) >= 6 else ""
    try:
        number = phonenumbers.parse(raw, (country or "DE").upper())
    except phonenumbers.NumberParseException:
        digits = re.sub(r"\D", "", raw)
        return digits if len(digits) >= 6 else ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=200_000)
def split_street(street: str) -> tuple[str, str]:
    """Street key without the house number, and the house number ("hauptstrasse", "5a")."""
    key = fold(street)
    match = _HOUSE.search(key)
    house = ""
    if match:
        house = match.group(1).replace(" ", "")
        key = key[: match.start()]
    # "Hauptstr." is "Hauptstraße" (core.text only expands a free-standing "Str."); English
    # street types are dropped and directions abbreviated ("W Division St" == "West Division
    # Street"), as imports from foreign subsidiaries write them either way.
    key = _STR_SUFFIX.sub(r"\1strasse", key)
    key = _EN_STREET_TYPE.sub("", key)
    key = _EN_DIRECTION.sub(lambda m: m.group(1)[0] + " ", key)
    return street_key(key), house


# One alternation over every legal-form spelling (core.text.LEGAL_FORMS); the longest match
# wins, as in core.text, but one regex pass instead of one per spelling.
_SPELLING_TO_FORM = {
    sp: canonical for canonical, spellings in LEGAL_FORMS.items() for sp in spellings
}
# Spellings with dots between every letter fold to single letters ("G.m.b.H." -> "g m b h").
_SPELLING_TO_FORM.update(
    {
        "g m b h": "gmbh",
        "ges m b h": "gmbh",
        "gmb h": "gmbh",
        "a g": "ag",
        "k g": "kg",
        "o h g": "ohg",
    }
)
_FORM_ALT = re.compile(
    r"(?:^|(?<=\s))("
    + "|".join(
        re.escape(sp).replace(r"\ ", r"\s+")
        for sp in sorted(_SPELLING_TO_FORM, key=len, reverse=True)
    )
    + r")(?=\s|$)"
)
_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w&]+")


def fast_fold(text: str) -> str:
    """core.text.fold, skipping Unicode decomposition for text that is ASCII after the umlauts."""
    if not text:
        return ""
    low = text.lower().translate(UMLAUTS)
    if not low.isascii():
        return fold(text)
    return _SPACES.sub(" ", _NON_WORD.sub(" ", low.replace("+", " & "))).strip()


def _strip_form(folded: str) -> tuple[str, str]:
    best: re.Match[str] | None = None
    for m in _FORM_ALT.finditer(folded):
        if best is None or len(m.group(1)) > len(best.group(1)):
            best = m
    if best is None:
        return folded, ""
    rest = folded[: best.start()] + " " + folded[best.end() :]
    return _SPACES.sub(" ", rest).strip(), _SPELLING_TO_FORM.get(
        _SPACES.sub(" ", best.group(1)), ""
    )


def name_parts(name: str) -> tuple[str, str]:
    """(name without legal forms, canonical legal form) of an organisation's name.

    The result of core.text's ``name_key`` / ``legal_form_of`` (they differ only where several
    legal forms compete in one name, e.g. "KG Schulz AG"), in one regex pass per form, which
    matters at a million names.
    """
    folded = fast_fold(name)
    rest, form = _strip_form(folded)
    if not form:
        key = folded.replace("&", " ")
        return (_SPACES.sub(" ", key).strip() if "&" in folded else key), ""
    rest2, _second = _strip_form(rest)
    key = _SPACES.sub(" ", rest2.replace("&", " ")).strip()
    if not key:
        key = _SPACES.sub(" ", rest.replace("&", " ")).strip()
    return key, form


def _first_phon(text: str) -> str:
    code = koelner_phonetik(text.split()[0]) if text else ""
    return code


def features(rec: Mapping[str, Any]) -> dict[str, Any]:
    """The comparable form of a party (a Party's field values or any mapping with those keys).

    Persons are compared by first and last name, organisations by their name without legal
    form; legal form, numbers, address and contact channels are evidence for both.
    """
    get = rec.get
    kind = get("kind") or "organisation"
    name = get("name") or ""
    first_raw, last_raw = get("first_name"), get("last_name")
    first = fast_fold(first_raw) if first_raw else ""
    last = fast_fold(last_raw) if last_raw else ""
    form = ""
    if kind == "person":
        if not (first or last) and name:
            parts = fast_fold(name).split()
            first, last = " ".join(parts[:-1]), (parts[-1] if parts else "")
        nkey = f"{first} {last}".strip()
    else:
        nkey, form = name_parts(name)
        if get("legal_form"):
            form = name_parts(str(get("legal_form")))[1] or form
    nsorted = " ".join(sorted(nkey.split()))
    street_raw = get("street")
    street, house = split_street(street_raw) if street_raw else ("", "")
    email = (get("email") or "").strip().lower()
    domain = email.rpartition("@")[2] if "@" in email else ""
    birth = get("birth_date")
    org = get("organisation_id") or get("organisation") or None
    if org is not None and not isinstance(org, int | str):
        org = getattr(org, "pk", None)
    phone = get("phone")
    city = get("city")
    postcode = get("postcode")
    vat = get("vat_id")
    lei = get("lei")
    return {
        "id": get("id"),
        "kind": kind,
        "name_key": nkey,
        "name_sorted": nsorted,
        "legal_form": form,
        "first": first,
        "last": last,
        "street": street,
        "house": house,
        "postcode": postcode.strip().replace(" ", "") if postcode else "",
        "city": fast_fold(city) if city else "",
        "phone": normalise_phone(phone, get("country") or "DE") if phone else "",
        "email": email,
        "email_domain": "" if domain in _FREEMAIL else domain,
        "vat": vat.replace(" ", "").upper() if vat else "",
        "lei": lei.strip().upper() if lei else "",
        "birth": birth.isoformat() if isinstance(birth, dt.date) else str(birth or ""),
        "org": str(org) if org else "",
        "erp_source": get("erp_source") or "",
        "erp_id": get("erp_id") or "",
        "group_root": get("group_root") or None,
        # Blocking keys: Kölner Phonetik of the first significant word, of first and last name.
        "b_name": _first_phon(nsorted) if kind != "person" else "",
        "b_first": koelner_phonetik(first)[:4] if first else "",
        "b_last": koelner_phonetik(last) if last else "",
        # Set by the bulk run, which knows how many addresses share the number or mailbox.
        "phone_shared": get("phone_shared") or "",
        "email_shared": get("email_shared") or "",
        "name_shared": get("name_shared") or "",
    }
