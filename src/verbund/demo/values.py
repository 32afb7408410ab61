"""Values of demo parties that follow a standard or a spelling: LEIs and VAT ids with valid
check digits, domain slugs, e-mail parts, folded names (cached: the same few thousand words
recur across a million rows)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import lru_cache

from verbund.core.text import fold
from verbund.parties.derive import fold_and_phonetic


def lei_with_check_digits(base18: str) -> str:
    """Complete an 18-character LEI prefix with its ISO 7064 MOD 97-10 check digits."""
    digits = "".join(str(int(c, 36)) for c in base18 + "00")
    return f"{base18}{98 - int(digits) % 97:02d}"


def _mod11_10_step(product: int, digit: int) -> int:
    total = (digit + product) % 10 or 10
    return (2 * total) % 11


# The ISO 7064 MOD 11,10 state machine as a table: _VAT_NEXT[product][digit] -> next product.
_VAT_NEXT = [[_mod11_10_step(p, d) for d in range(10)] for p in range(11)]


def german_vat_id(eight_digits: int) -> str:
    """A German VAT id (USt-IdNr.): DE, eight digits and the ISO 7064 MOD 11,10 check digit."""
    body = f"{eight_digits % 10**8:08d}"
    if body[0] == "0":
        body = "1" + body[1:]
    product = 10
    for ch in body:
        product = _VAT_NEXT[product][ord(ch) - 48]
    return f"DE{body}{(11 - product) % 10}"


@lru_cache(maxsize=100_000)
def slug(text: str) -> str:
    """A domain-name part from a company name: folded, words joined by hyphens."""
    return "-".join(w for w in fold(text).replace("&", " ").split() if w)[:60] or "firma"


@lru_cache(maxsize=300_000)
def name_fold(base: str, form: str) -> tuple[str, str]:
    """Folded name and phonetic key of ``f"{base} {form}"``, from cached pieces."""
    folded, phonetic = fold_and_phonetic(base)
    folded_form, phonetic_form = fold_and_phonetic(form) if form else ("", "")
    if folded_form:
        if folded:
            return f"{folded} {folded_form}", f"{phonetic} {phonetic_form}"[:200]
        return folded_form, phonetic_form[:200]
    return folded, phonetic[:200]


@lru_cache(maxsize=20_000)
def mail_part(text: str) -> str:
    return "".join(ch for ch in fold(text) if ch.isalnum()) or "x"


def cumulative(values: Sequence[float]) -> Iterator[float]:
    total = 0.0
    for v in values:
        total += v
        yield total
