"""Reproducible German demo data: parties and relationships as rows for the bulk writer.

``DemoData(size, seed)`` plans the whole data set up front (how many corporate groups,
chains, purchasing associations, suppliers, consultants, standalone customers and contacts,
and how large each is), then ``party_rows`` streams the party rows and records the links
between them, and ``relationship_rows`` streams those links. The same size and seed give the
same names, addresses and structure; dates are relative to ``today`` (so that "ended" and
"future" links stay ended and future).

Hierarchy rules hold by construction: within each hierarchy type a child's links never
overlap in time, and every parent was generated before its child (or, for chain head offices
joining an association, cannot be a child's descendant), so there is never a cycle at any date.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

from verbund.demo import words as W
from verbund.demo.cities import FOREIGN_CITIES, City, ForeignCity
from verbund.demo.draws import Draws
from verbund.demo.values import (
    german_vat_id,
    mail_part,
    name_fold,
    slug,
)
from verbund.parties.bulk import PARTY_COLUMNS
from verbund.parties.derive import derive_search_columns, fold_and_phonetic, fold_fast
from verbund.parties.rules import is_sole_trader
from verbund.relationships.bulk import RELATIONSHIP_COLUMNS

MAX_DEPTH = 7  # edges below the root: 8 levels in all
SHARES = ["100"] * 8 + [
    "51",
    "60",
    "74.9",
    "75",
    "80",
    "90",
    "94.9",
    "50",
    "49",
    "33.3",
    "25.1",
    "66.67",
    "25",
    "10",
]
STATUS_POOL = (
    ["customer"] * 60
    + ["prospect"] * 18
    + ["former_customer"] * 10
    + ["partner"] * 5
    + ["other"] * 4
    + ["blocked"] * 3
)
TLDS = [".de"] * 8 + [".com", ".eu"]

Edge = tuple[str, int, int, dt.date | None, dt.date | None, str | None]


class DemoData(Draws):
    """A planned demo data set of ``size`` parties (about a fifth of them contact persons)."""

    def __init__(
        self,
        size: int,
        seed: int = 1,
        *,
        today: dt.date | None = None,
        responsible_ids: Sequence[int] = (),
    ) -> None:
        if size < 1:
            raise ValueError("size must be at least 1")
        super().__init__(seed, today or dt.date.today())
        self.size = size
        self.seed = seed
        self.responsible_ids = list(responsible_ids)
        self.edges: list[Edge] = []
        self.tag_pairs: list[tuple[int, str]] = []
        self.stats: Counter[str] = Counter()
        self._plan()

    # --- plan -------------------------------------------------------------------------------

    def _plan(self) -> None:
        rng = self.rng
        n = self.size
        persons = round(n * 0.2) if n >= 10 else 0
        orgs = n - persons
        budget = {
            "group": round(orgs * 0.36),
            "chain": round(orgs * 0.12),
            "association": round(orgs * 0.12),
            "supplier": round(orgs * 0.03),
            "consultant": round(orgs * 0.02),
        }
        self.group_sizes = self._sizes(
            budget["group"], [max(2, n // 10)] + [n // 100] * 3 + [n // 1000] * 10, 2, 1.6, 2, 60
        )
        self.chain_sizes = self._sizes(budget["chain"], [n // 50] + [n // 500] * 4, 3, 1.3, 4, 500)
        self.association_sizes = self._sizes(
            budget["association"], [n // 40] + [n // 400] * 4, 5, 1.2, 8, 1000
        )
        used = sum(self.group_sizes) + sum(self.chain_sizes) + sum(self.association_sizes)
        self.n_suppliers = min(budget["supplier"], orgs - used)
        self.n_consultants = min(budget["consultant"], orgs - used - self.n_suppliers)
        self.n_standalone = orgs - used - self.n_suppliers - self.n_consultants
        self.n_orgs = orgs
        self.n_persons = persons
        rng.shuffle(self.group_sizes)

    def _sizes(
        self, budget: int, large: list[int], minimum: int, alpha: float, scale: int, cap: int
    ) -> list[int]:
        """Structure sizes: the given large ones while they fit, then a heavy-tailed rest."""
        sizes: list[int] = []
        left = budget
        for size in large:
            if size >= minimum and size <= left:
                sizes.append(size)
                left -= size
        while left >= minimum:
            size = min(left, cap, minimum + int((self.rng.paretovariate(alpha) - 1) * scale))
            if left - size < minimum:
                size = left
            sizes.append(size)
            left -= size
        return sizes

    # --- rows -------------------------------------------------------------------------------

    def party_rows(self, base_id: int, first_number: int, now: Any) -> Iterator[tuple[Any, ...]]:
        """Stream all party rows (``PARTY_COLUMNS`` order); ids will be ``base_id + index``.

        Organisations come first, persons last. Records the links in ``self.edges``.
        """
        self._base = base_id
        self._first_number = first_number
        self._now = now
        self._index = 0
        self._domains: list[str] = []
        self._areas: list[str] = []
        self.key_orgs: list[int] = []
        self.settlement_parties: list[int] = []
        self.head_offices: list[int] = []
        self._vat_offset = self._int(0, 10**8 - 1)
        yield from self._groups()
        yield from self._chains()
        yield from self._associations()
        yield from self._suppliers_and_consultants()
        for _ in range(self.n_standalone):
            yield self._org(self._company_base(), self._form(), kind="standalone")
        assert self._index == self.n_orgs, (self._index, self.n_orgs)
        yield from self._persons()
        self.stats["parties"] = self._index

    def _org(
        self,
        base: str,
        form: str,
        *,
        kind: str,
        status: str | None = None,
        name2: str = "",
        domain_base: str | None = None,
        city: City | None = None,
        foreign: ForeignCity | None = None,
        lei: bool = False,
        archived: bool | None = None,
        vat: bool = True,
    ) -> tuple[Any, ...]:
        rng = self.rng
        idx = self._index
        self._index += 1
        self.stats[kind] += 1
        number = str(self._first_number + idx)
        name = f"{base} {form}" if form else base
        if len(name) > 200:
            name = name[:200]
        domain = slug(domain_base or base) + self._pick(TLDS)
        self._domains.append(domain)
        street = self._street()
        if foreign is not None:
            country = foreign.country
            city_name = foreign.name
            postcode = foreign.postcode(self._int(foreign.low, foreign.high))
            area = ""
            phone = f"{foreign.phone_prefix} {self._int(1_000_000, 99_999_998)}"
            vat_id = foreign.vat_format.format(self._int(10**7, 10**8 - 1))
            court = ""
        else:
            city = city or self._city()
            country = "DE"
            city_name = city.name
            postcode = self._postcode(city)
            area = city.area_code
            phone = self._phone(area)
            vat_id = (
                german_vat_id(self._vat_offset + idx * 7_777_777)
                if vat and rng.random() < 0.65
                else ""
            )
            court = city.court
        self._areas.append(area)
        register = self._register(form, court) if court and rng.random() < 0.85 else ""
        lei_value = (
            self._lei()
            if (lei or rng.random() < 0.02) and form and form not in ("GbR", "e.K.")
            else ""
        )
        status = status or self._pick(STATUS_POOL)
        if archived is None:
            archived = status == "former_customer" and rng.random() < 0.4
        r = rng.random()
        email = f"{self._pick(W.MAIL_LOCALS)}@{domain}" if r < 0.8 else ""
        website = f"www.{domain}" if r < 0.7 else ""
        # One draw whether or not there are users, so the data does not depend on them.
        r = rng.random()
        ids = self.responsible_ids
        responsible = ids[int(r / 0.3 * len(ids))] if ids and r < 0.3 else None
        erp = rng.random() < 0.6
        if rng.random() < 0.25:
            tags = {self._pick(W.TAGS) for _ in range(1 + int(rng.random() * 2))}
            self.tag_pairs.extend((idx, t) for t in sorted(tags))
        # derive_search_columns, unrolled for the values this generator makes: numbers and
        # German postcodes are digits, VAT ids plain ASCII, names and cities from a vocabulary.
        folded_name, phonetic = name_fold(base, form)
        pieces = (
            folded_name,
            fold_and_phonetic(name2)[0] if name2 else "",
            number,
            fold_and_phonetic(city_name)[0],
            postcode if foreign is None else fold_fast(postcode),
            vat_id.lower(),
        )
        search_text = " ".join([p for p in pieces if p])[:500]
        return (
            "organisation", number, name, name2, "", form, "", "", "", "", "", None, None,
            street, postcode, city_name, country, vat_id, lei_value, register, phone, email, website,
            status, responsible, archived, "SAP" if erp else None, str(int(number) + 2_000_000) if erp else None,
            None, search_text, phonetic, self._now, self._now, is_sole_trader("organisation", form),
        )  # fmt: skip

    def _edge(
        self,
        key: str,
        child: int,
        parent: int,
        start: dt.date | None,
        end: dt.date | None = None,
        share: str | None = None,
    ) -> None:
        self.edges.append((key, child, parent, start, end, share))
        self.stats[f"rel_{key}"] += 1

    def _hierarchy_edge(
        self,
        key: str,
        child: int,
        parent: int,
        alternatives: Sequence[int],
        *,
        shares: bool = False,
    ) -> None:
        """A child's link, sometimes with history: an earlier parent, a change planned for
        the future, or a link that ended. ``alternatives`` are other possible parents that
        were generated before the child."""
        rng = self.rng
        share = self._pick(SHARES) if shares and rng.random() < 0.7 else None
        r = rng.random()
        others = [a for a in alternatives if a != parent]
        if r < 0.04 and others:
            switch = self._date_recent()
            old_share = self._pick(SHARES) if share else None
            self._edge(
                key,
                child,
                self._pick(others),
                self._before(switch),
                switch - dt.timedelta(days=1),
                old_share,
            )
            self._edge(key, child, parent, switch, None, share)
            self.stats[f"history_{key}"] += 1
        elif r < 0.055 and others:
            switch = self._date_future()
            self._edge(key, child, parent, self._start(), switch - dt.timedelta(days=1), share)
            self._edge(key, child, self._pick(others), switch, None, share)
            self.stats[f"future_{key}"] += 1
        elif r < 0.075:
            end = self._date_recent()
            self._edge(key, child, parent, self._before(end), end, share)
            self.stats[f"ended_{key}"] += 1
        else:
            self._edge(key, child, parent, self._start(), None, share)

    # --- corporate groups -------------------------------------------------------------------

    def _tree(self, size: int, depth: int) -> tuple[list[int], list[int]]:
        """Parents (local index, root -1) and level of each node, level by level."""
        depth = max(1, min(depth, MAX_DEPTH, size - 1))
        rest = size - 1
        ratio = max(1.6, rest ** (1 / depth))
        weights = [ratio**k for k in range(1, depth + 1)]
        total = sum(weights)
        counts = [max(1, int(rest * w / total)) for w in weights]
        while sum(counts) > rest:
            i = max(range(depth), key=lambda k: counts[k])
            counts[i] -= 1
        counts[-1] += rest - sum(counts)
        parents, levels = [-1], [0]
        start, end = 0, 1
        for level, count in enumerate(counts, 1):
            for _ in range(count):
                parents.append(start + int(self.rng.random() * (end - start)))
                levels.append(level)
            start, end = end, end + count
        return parents, levels

    def _groups(self) -> Iterator[tuple[Any, ...]]:
        rng = self.rng
        biggest = max(self.group_sizes, default=0)
        for size in self.group_sizes:
            stem = self._stem()
            if size == biggest:
                depth = max(3, round(math.log(size) / math.log(3.2)))
            else:
                depth = round(math.log(size) / math.log(3.2)) + self._pick((-1, 0, 0, 1))
            parents, levels = self._tree(size, depth)
            first = self._index
            home = self._city()
            root_word = self._pick(
                ("Holding", "Gruppe", "Beteiligungsgesellschaft", "Holding", "", "Group")
            )
            root_form = self._pick(("AG", "SE", "GmbH", "AG", "GmbH & Co. KG", "KGaA"))
            if root_word == "Beteiligungsgesellschaft":
                root_form = "mbH"
            root_base = f"{stem} {root_word}".strip()
            yield self._org(
                root_base,
                root_form,
                kind="group_root",
                status="customer",
                domain_base=stem,
                city=home,
                lei=True,
                archived=False,
            )
            self.key_orgs.append(first)
            by_level: list[list[int]] = [[first]]
            children: dict[int, list[int]] = {}
            # A company name is registered once: a name that comes up again in the same group
            # becomes one of the numbered project companies real groups keep ("Helios Projekt
            # 7 GmbH"), without another random draw, so the rest of the data stays as it was.
            taken = {(root_base, root_form)}
            projects = 0
            for local in range(1, size):
                level = levels[local]
                parent = first + parents[local]
                word = self._pick(W.SUBSIDIARY_WORDS)
                r = rng.random()
                foreign = self._pick(FOREIGN_CITIES) if r < 0.04 else None
                city = None if r < 0.6 else home
                if foreign is not None:
                    base = f"{stem} {foreign.name}"
                    form = {
                        "AT": "GmbH",
                        "CH": "AG",
                        "FR": "SAS",
                        "NL": "B.V.",
                        "IT": "S.r.l.",
                        "PL": "Sp. z o.o.",
                        "CZ": "s.r.o.",
                        "DK": "ApS",
                    }[foreign.country]
                elif r < 0.25:
                    base = f"{stem} {word} {self._pick(W.COMPASS)}"
                    form = self._form()
                elif r < 0.45:
                    base = f"{stem} {word}"
                    form = self._form()
                elif level == 1 and r < 0.55:
                    base = f"{stem} Deutschland"
                    form = "GmbH"
                else:
                    cty = city or self._city()
                    city = cty
                    base = f"{stem} {word} {cty.name}"
                    form = self._form()
                if form in ("e.K.", "GbR", "eG"):
                    form = "GmbH"
                if (base, form) in taken:
                    projects += 1
                    base = f"{stem} Projekt {projects}"
                taken.add((base, form))
                idx = self._index
                yield self._org(
                    base,
                    form,
                    kind="group_member",
                    domain_base=stem,
                    city=city,
                    foreign=foreign,
                    lei=level <= 2 and rng.random() < 0.5,
                )
                while len(by_level) <= level:
                    by_level.append([])
                by_level[level].append(idx)
                children.setdefault(parent, []).append(idx)
                # Alternative parents for history: earlier nodes on the parent's level.
                peers = by_level[level - 1]
                alternatives = (
                    [peers[int(rng.random() * len(peers))] for _ in range(2)]
                    if len(peers) > 1
                    else []
                )
                self._hierarchy_edge("group", idx, parent, alternatives, shares=True)
            self.stats["groups"] += 1
            self.stats["group_max_size"] = max(self.stats["group_max_size"], size)
            self.stats["group_max_depth"] = max(self.stats["group_max_depth"], max(levels))
            for kids in children.values():
                if len(kids) >= 2 and rng.random() < 0.1:
                    a, b = sorted(rng.sample(kids, 2))
                    self._edge("sister", a, b, self._start())

    # --- chains -----------------------------------------------------------------------------

    def _chains(self) -> Iterator[tuple[Any, ...]]:
        rng = self.rng
        for size in self.chain_sizes:
            theme = self._pick(W.CHAIN_THEMES)
            stem = self._pick(W.SURNAMES) if rng.random() < 0.5 else self._pick(W.FANTASY)
            brand = f"{stem} {theme}" if rng.random() < 0.7 else f"{theme} {stem}"
            head = self._index
            form = self._pick(("GmbH & Co. KG", "GmbH", "AG", "SE", "KG"))
            yield self._org(
                f"{brand} Zentrale" if rng.random() < 0.3 else brand,
                form,
                kind="chain_head",
                status="customer",
                domain_base=brand,
                archived=False,
            )
            self.key_orgs.append(head)
            self.head_offices.append(head)
            parents = [head]
            branches = size - 1
            if size > 60:
                regions = min(branches - 1, self._int(3, 7))
                parents = []
                for compass in W.COMPASS[:regions]:
                    idx = self._index
                    yield self._org(
                        f"{brand} Region {compass}",
                        "",
                        kind="chain_region",
                        status="customer",
                        domain_base=brand,
                        archived=False,
                        vat=False,
                    )
                    parents.append(idx)
                    self._edge("chain", idx, head, self._start())
                branches -= regions
            for number in range(1, branches + 1):
                city = self._city()
                parent = parents[int(rng.random() * len(parents))]
                r = rng.random()
                status = "former_customer" if r < 0.05 else "customer"
                idx = self._index
                yield self._org(
                    f"{brand} {city.name}",
                    "",
                    kind="chain_branch",
                    status=status,
                    name2=f"Filiale {number:04d}",
                    domain_base=brand,
                    city=city,
                    vat=False,
                )
                if r < 0.05:
                    end = self._date_recent()
                    self._edge("chain", idx, parent, self._before(end), end)
                elif r < 0.08:
                    self._edge("chain", idx, parent, self._date_future())
                else:
                    self._edge("chain", idx, parent, self._start())
            self.stats["chains"] += 1

    # --- purchasing associations ------------------------------------------------------------

    def _associations(self) -> Iterator[tuple[Any, ...]]:
        rng = self.rng
        for size in self.association_sizes:
            trade, word = self._pick(W.ASSOCIATION_TRADES)
            stem = self._pick(W.REGIONS) if rng.random() < 0.6 else self._pick(W.FANTASY)
            head = self._index
            form = self._pick(("eG", "eG", "GmbH", "AG", "GmbH & Co. KG"))
            yield self._org(
                f"{stem} {word}",
                form,
                kind="settlement_party",
                status="partner",
                domain_base=f"{stem} {word}",
                lei=True,
                archived=False,
            )
            self.key_orgs.append(head)
            earlier = list(self.settlement_parties[-5:])
            self.settlement_parties.append(head)
            parents = [head]
            members = size - 1
            if size > 300:
                offices = min(members - 1, self._int(3, 6))
                parents = []
                for compass in W.COMPASS[:offices]:
                    idx = self._index
                    yield self._org(
                        f"{stem} {word} Geschäftsstelle {compass}",
                        "",
                        kind="settlement_office",
                        status="partner",
                        domain_base=f"{stem} {word}",
                        archived=False,
                    )
                    parents.append(idx)
                    self._edge("settlement", idx, head, self._start())
                members -= offices
            for _ in range(members):
                surname = self._pick(W.SURNAMES)
                base = f"{trade} {surname}" if rng.random() < 0.7 else f"{surname} {trade}"
                form = self._pick(
                    (
                        "e.K.",
                        "e.K.",
                        "GmbH",
                        "OHG",
                        "KG",
                        "GmbH & Co. KG",
                        "UG (haftungsbeschränkt)",
                    )
                )
                name2 = "Lieferadresse" if rng.random() < 0.3 else ""
                idx = self._index
                yield self._org(
                    base, form, kind="association_member", status="customer", name2=name2
                )
                parent = parents[int(rng.random() * len(parents))]
                self._hierarchy_edge("settlement", idx, parent, earlier)
            self.stats["associations"] += 1
        # Some chains pay through an association too ("head office pays, branches order").
        if self.settlement_parties:
            for head in self.head_offices:
                if rng.random() < 0.15:
                    self._edge(
                        "settlement", head, self._pick(self.settlement_parties), self._start()
                    )

    # --- suppliers, consultants -------------------------------------------------------------

    def _suppliers_and_consultants(self) -> Iterator[tuple[Any, ...]]:
        rng = self.rng
        for key, count, status, max_links in (
            ("supplier", self.n_suppliers, "supplier", 8),
            ("consultant", self.n_consultants, "partner", 5),
        ):
            for _ in range(count):
                idx = self._index
                if key == "supplier":
                    yield self._org(
                        f"{self._pick(W.SURNAMES)} {self._pick(W.TRADES)}",
                        self._form(),
                        kind="supplier",
                        status=status,
                    )
                else:
                    r = rng.random()
                    if r < 0.3:
                        base, form = f"{self._pick(W.SURNAMES)} Steuerberatungsgesellschaft", "mbH"
                    elif r < 0.55:
                        base, form = (
                            f"Kanzlei {self._pick(W.SURNAMES)} & {self._pick(W.SURNAMES)}",
                            "PartG mbB",
                        )
                    elif r < 0.8:
                        base, form = f"{self._pick(W.FANTASY)} Consulting", "GmbH"
                    else:
                        base, form = f"{self._pick(W.SURNAMES)} Unternehmensberatung", self._form()
                    yield self._org(base, form, kind="consultant", status=status)
                targets = {
                    int(rng.random() * self.n_orgs)
                    for _ in range(1 + int(rng.random() * max_links))
                }
                targets.discard(idx)
                for target in sorted(targets):
                    if rng.random() < 0.1:
                        end = self._date_recent()
                        self._edge(key, idx, target, self._before(end), end)
                    else:
                        self._edge(key, idx, target, self._start())

    # --- persons ----------------------------------------------------------------------------

    def _persons(self) -> Iterator[tuple[Any, ...]]:
        rng = self.rng
        now = self._now
        for _ in range(self.n_persons):
            idx = self._index
            self._index += 1
            female = rng.random() < 0.5
            first = self._pick(W.FIRST_NAMES_FEMALE if female else W.FIRST_NAMES_MALE)
            last = self._pick(W.SURNAMES)
            r = rng.random()
            salutation = "" if r < 0.02 else ("Frau" if female else "Herr")
            title = self._pick(W.TITLES) if rng.random() < 0.08 else ""
            position = self._pick(W.POSITIONS)[0 if female else 1]
            if rng.random() < 0.03 or not self.n_orgs:
                org = None
                email = f"{mail_part(first)}.{mail_part(last)}@{self._pick(('web.de', 'gmx.de', 't-online.de', 'posteo.de'))}"
                phone = f"01{self._pick(('51', '52', '60', '62', '70', '71', '76'))} {self._int(1_000_000, 99_999_998)}"
                position = ""
            else:
                org = (
                    self._pick(self.key_orgs)
                    if self.key_orgs and rng.random() < 0.2
                    else int(rng.random() * self.n_orgs)
                )
                email = f"{mail_part(first)}.{mail_part(last)}@{self._domains[org]}"
                area = self._areas[org]
                phone = self._phone(area) if area else ""
            if rng.random() < 0.12 and self.n_orgs > 1:
                other = int(rng.random() * self.n_orgs)
                if other != org:
                    if rng.random() < 0.1:
                        end = self._date_recent()
                        self._edge("contact", idx, other, self._before(end), end)
                    else:
                        self._edge("contact", idx, other, self._start())
            name = f"{first} {last}"
            number = str(self._first_number + idx)
            search_text, phonetic = derive_search_columns(
                name, "", number, "", "", "", name_parts=(first, last)
            )
            self.stats["person"] += 1
            yield (
                "person", number, name, "", "", "", salutation, title, first, last, position,
                None if org is None else self._base + org, None, "", "", "", "DE", "", "", "", phone, email, "",
                "other", None, False, None, None, None, search_text, phonetic, now, now, False,
            )  # fmt: skip

    def export_state(self) -> dict[str, Any]:
        """What ``party_rows`` recorded besides the rows (for ``party_rows_in_child``)."""
        return {"edges": self.edges, "tag_pairs": self.tag_pairs, "stats": dict(self.stats)}

    def import_state(self, state: dict[str, Any]) -> None:
        self.edges = state["edges"]
        self.tag_pairs = state["tag_pairs"]
        self.stats = Counter(state["stats"])

    # --- relationships ----------------------------------------------------------------------

    def relationship_rows(
        self, base_id: int, type_ids: dict[str, int], now: Any
    ) -> Iterator[tuple[Any, ...]]:
        """Stream the recorded links as rows (``RELATIONSHIP_COLUMNS`` order)."""
        shares: dict[str, Decimal] = {}
        for key, child, parent, start, end, share in self.edges:
            yield (
                type_ids[key], base_id + child, base_id + parent,
                start, end, None if share is None else shares.setdefault(share, Decimal(share)),
                "demo", "", "", now, now,
            )  # fmt: skip


assert len(PARTY_COLUMNS) == 34 and PARTY_COLUMNS[11] == "organisation_id", (
    "party columns changed: update DemoData rows"
)
assert RELATIONSHIP_COLUMNS[:3] == ("type_id", "from_party_id", "to_party_id"), (
    "relationship columns changed"
)
