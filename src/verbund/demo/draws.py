"""The demo generator's small random draws: numbers, places, streets, phone numbers, dates,
legal forms, company names, register numbers and LEIs. ``Draws`` is the base of
``generator.DemoData``; every draw reads the one seeded ``random.Random`` in the order the
generator calls it, so the same size and seed give the same data."""

from __future__ import annotations

import bisect
import datetime as dt
import random
from collections.abc import Sequence
from typing import Any

from verbund.demo import words as W
from verbund.demo.cities import CITIES, City
from verbund.demo.values import cumulative, lei_with_check_digits

EPOCH = dt.date(1990, 1, 1)
FORM_POOL = [form for form, weight, _ in W.LEGAL_FORMS for _ in range(weight)]
REGISTER_OF = {form: reg for form, _, reg in W.LEGAL_FORMS}
# Subscriber number length by area code length: national numbers have at most 11 digits.
_SUB_LENGTH = {n: min(8, max(5, 11 - n)) for n in range(2, 7)}


class Draws:
    """Random values from one seeded generator (``rng``), dates relative to ``today``."""

    def __init__(self, seed: int, today: dt.date) -> None:
        self.today = today
        self.rng = random.Random(seed)
        self._rnd = self.rng.random
        self._city_weights = list(cumulative([c.size**0.75 + 2 for c in CITIES]))
        self._past_span = max(1, (today - dt.timedelta(days=60) - EPOCH).days)

    def _int(self, low: int, high: int) -> int:
        """A number from low to high inclusive (cheaper than randint, and as reproducible)."""
        return low + int(self._rnd() * (high - low + 1))

    def _pick(self, seq: Sequence[Any]) -> Any:
        return seq[int(self._rnd() * len(seq))]

    def _city(self) -> City:
        return CITIES[bisect.bisect(self._city_weights, self.rng.random() * self._city_weights[-1])]

    def _postcode(self, city: City) -> str:
        low, high = self._pick(city.ranges)
        return f"{self._int(low, high):05d}"

    def _street(self) -> str:
        r = self.rng.random()
        if r < 0.1:
            street = self._pick(W.STREET_PLAIN)
        else:
            base, suffix = self._pick(W.STREET_BASES), self._pick(W.STREET_SUFFIXES)
            # "Max-Planck-Straße", but "Goethestraße".
            street = f"{base}-{suffix.capitalize()}" if "-" in base else base + suffix
        number = 1 + int(self.rng.random() ** 2 * 180)
        suffix = self._pick("abcd") if self.rng.random() < 0.07 else ""
        return f"{street} {number}{suffix}"

    def _phone(self, area: str) -> str:
        length = _SUB_LENGTH.get(len(area), 7)
        low = 2 * 10 ** (length - 1)
        sub = str(low + int(self._rnd() * (10**length - low)))
        style = int(self._rnd() * 6)
        if style == 0:
            return f"+49 {area[1:]} {sub}"
        if style == 1:
            return f"({area}) {sub}"
        if style == 2:
            return f"{area}/{sub}"
        if style == 3:
            return f"+49 {area[1:]} {sub[:-1]}-0"
        if style == 4:
            return f"{area} {sub[:3]} {sub[3:]}"
        return f"{area} {sub}"

    def _date_past(self) -> dt.date:
        return EPOCH + dt.timedelta(days=int(self.rng.random() * self._past_span))

    def _date_recent(self) -> dt.date:
        return self.today - dt.timedelta(days=self._int(30, 1500))

    def _date_future(self) -> dt.date:
        return self.today + dt.timedelta(days=self._int(20, 400))

    def _before(self, day: dt.date) -> dt.date:
        span = max(1, (day - EPOCH).days - 200)
        return EPOCH + dt.timedelta(days=int(self.rng.random() * span))

    def _start(self) -> dt.date | None:
        return None if self.rng.random() < 0.12 else self._date_past()

    def _form(self) -> str:
        return self._pick(FORM_POOL)

    def _stem(self) -> str:
        r = self.rng.random()
        if r < 0.4:
            return self._pick(W.SURNAMES)
        if r < 0.7:
            return self._pick(W.FANTASY)
        if r < 0.85:
            return self._pick(W.FANTASY_PREFIX) + self._pick(W.FANTASY_SUFFIX_LIST)
        return self._pick(W.REGIONS)

    def _company_base(self) -> str:
        r = self.rng.random()
        if r < 0.32:
            return f"{self._pick(W.SURNAMES)} {self._pick(W.TRADES)}"
        if r < 0.52:
            return f"{self._pick(W.TRADES_FIRST)} {self._pick(W.SURNAMES)}"
        if r < 0.67:
            return f"{self._pick(W.FANTASY)} {self._pick(W.SECTORS)}"
        if r < 0.77:
            return f"{self._pick(W.REGIONS)} {self._pick(W.TRADES)}"
        if r < 0.87:
            a, b = self._pick(W.SURNAMES), self._pick(W.SURNAMES)
            return f"{a} & {b}" if a != b else f"{a} {self._pick(W.TRADES)}"
        compound = self._pick(W.FANTASY_PREFIX) + self._pick(W.FANTASY_SUFFIX_LIST)
        return compound if r < 0.93 else f"{compound} {self._pick(W.TRADES)}"

    def _register(self, form: str, court: str) -> str:
        reg = REGISTER_OF.get(form, "")
        if not reg:
            return ""
        top = {"HRB": 250_000, "HRA": 60_000, "GnR": 900}[reg]
        return f"Amtsgericht {court} {reg} {self._int(100, top)}"

    def _lei(self) -> str:
        entity = "".join(self._pick("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(12))
        return lei_with_check_digits(self._pick(W.LOU_PREFIXES) + "00" + entity)
