"""Duplicate scoring for German business data: features, comparisons, explainable scores.

One set of comparisons serves both places that match: the entry-time check scores a handful of
candidates in Python (``score_pair``), the bulk run scores millions of pairs in DuckDB with the
SQL that the same ``Comparison`` objects emit (``sql_score_columns``). Each comparison has
ordered levels; the first level whose condition holds gives the comparison's weight (points, a
log2 Bayes factor as in Fellegi-Sunter). The sum of the weights plus a prior is turned into a
match probability. Similarities are Jaro-Winkler, which rapidfuzz and DuckDB compute
identically (the tests check that both paths agree).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext_lazy as _
from rapidfuzz.distance import JaroWinkler

# log2 prior odds that a blocked pair is a match; the weights below add evidence to it.
# Person blocks (name + birth date or address) hold more true pairs than organisation blocks.
PRIORS = {"organisation": -6.0, "person": -3.0}
PRIOR = PRIORS["organisation"]
# Chosen on the labelled sets (docs/quality.md): at 0.75 FEBRL4, dedupe-examples (and its
# held-out halves) and the synthetic set all keep precision and recall above 0.90; at 0.9
# recall on firms without a shared name or address falls below it.
DEFAULT_THRESHOLD = 0.75
ENTRY_THRESHOLD = 0.5

# A phone number in use at this many different addresses is a switchboard (a chain's or an
# agency's central number), not a site's own line; see bulk.detect.
SWITCHBOARD_ADDRESSES = 3
# The same for an e-mail address: one mailbox at this many addresses is a shared one (a group's
# "info@"), which says "same family", not "same party".
SHARED_MAILBOX_ADDRESSES = SWITCHBOARD_ADDRESSES
# And for a name: one organisation name at this many addresses is a chain's (its branches are
# different sites, as the labelled dedupe-examples data counts them; decision 0031).
CHAIN_ADDRESSES = SWITCHBOARD_ADDRESSES


@lru_cache(maxsize=8192)
def _jw(a: str, b: str) -> float:
    # Cached: the levels of one comparison ask for the same similarity several times.
    return float(JaroWinkler.similarity(a, b))


@dataclass(frozen=True)
class Level:
    """One outcome of a comparison: a condition (Python and SQL) and its weight in points."""

    key: str
    label: Any
    weight: float
    test: Callable[[dict[str, Any], dict[str, Any]], bool]
    sql: str


@dataclass(frozen=True)
class Weights:
    """Weights estimated from the customer's records (``quality.training``), used instead of
    the fixed ones: a prior and, per comparison and level, points. A level missing from
    ``points`` keeps its fixed weight."""

    kind: str
    prior: float
    points: Mapping[str, Mapping[str, float]]


def weight_of(model: Weights | None, comp: Comparison, level: Level) -> float:
    if model is None:
        return level.weight
    return float(model.points.get(comp.key, {}).get(level.key, level.weight))


def prior_of(kind: str, model: Weights | None = None) -> float:
    if model is not None and model.kind == kind:
        return float(model.prior)
    return PRIORS.get(kind, PRIOR)


@dataclass(frozen=True)
class Comparison:
    """A field comparison: applies when ``columns`` are filled on both sides; first level wins."""

    key: str
    label: Any
    columns: tuple[str, ...]
    levels: tuple[Level, ...]
    kinds: tuple[str, ...] = ("organisation", "person")

    def applies(self, a: dict[str, Any], b: dict[str, Any]) -> bool:
        if len(self.columns) == 1:
            c = self.columns[0]
            return bool(a.get(c) and b.get(c))
        return all(a.get(c) and b.get(c) for c in self.columns)

    def evaluate(self, a: dict[str, Any], b: dict[str, Any]) -> Level | None:
        if not self.applies(a, b):
            return None
        for level in self.levels:
            if level.test(a, b):
                return level
        return None  # pragma: no cover - every comparison ends with a catch-all level

    def sql_weight(self, model: Weights | None = None) -> str:
        """A DuckDB expression (over aliases l and r) giving this comparison's weight."""
        present = " AND ".join(
            f"coalesce(l.{c}, '') <> '' AND coalesce(r.{c}, '') <> ''" for c in self.columns
        )
        cases = " ".join(
            f"WHEN {lv.sql} THEN CAST({weight_of(model, self, lv)!r} AS DOUBLE)"
            for lv in self.levels
        )
        return f"(CASE WHEN NOT ({present}) THEN 0.0 ELSE (CASE {cases} ELSE 0.0 END) END)"

    def sql_level(self) -> str:
        present = " AND ".join(
            f"coalesce(l.{c}, '') <> '' AND coalesce(r.{c}, '') <> ''" for c in self.columns
        )
        cases = " ".join(f"WHEN {lv.sql} THEN '{lv.key}'" for lv in self.levels)
        return f"(CASE WHEN NOT ({present}) THEN NULL ELSE (CASE {cases} END) END)"

    def sql_level_index(self) -> str:
        """As ``sql_level``, but the level's position (one byte instead of a string: the
        training keeps every candidate pair's levels in a table)."""
        present = " AND ".join(
            f"coalesce(l.{c}, '') <> '' AND coalesce(r.{c}, '') <> ''" for c in self.columns
        )
        cases = " ".join(f"WHEN {lv.sql} THEN {i}" for i, lv in enumerate(self.levels))
        return (
            f"CAST((CASE WHEN NOT ({present}) THEN NULL ELSE (CASE {cases} END) END) AS UTINYINT)"
        )


def _eq(col: str) -> tuple[Callable[[dict[str, Any], dict[str, Any]], bool], str]:
    return (lambda a, b: a[col] == b[col]), f"l.{col} = r.{col}"


def _jw_at_least(
    col: str, floor: float
) -> tuple[Callable[[dict[str, Any], dict[str, Any]], bool], str]:
    return (
        lambda a, b: _jw(a[col], b[col]) >= floor
    ), f"jaro_winkler_similarity(l.{col}, r.{col}) >= {floor}"


def _name_at_least(floor: float) -> tuple[Callable[[dict[str, Any], dict[str, Any]], bool], str]:
    def test(a: dict[str, Any], b: dict[str, Any]) -> bool:
        return (
            max(_jw(a["name_key"], b["name_key"]), _jw(a["name_sorted"], b["name_sorted"])) >= floor
        )

    sql = (
        "greatest(jaro_winkler_similarity(l.name_key, r.name_key), "
        f"jaro_winkler_similarity(l.name_sorted, r.name_sorted)) >= {floor}"
    )
    return test, sql


_NUMBER = re.compile(r"\d+")


def _numbers_differ() -> tuple[Callable[[dict[str, Any], dict[str, Any]], bool], str]:
    """Both names carry numbers, and not the same ones: "Filiale 0042" and "Filiale 0043",
    "Helios Projekt 7" and "Helios Projekt 17" are siblings, however alike the rest reads.
    A name whose numbers are all in the other name is no other branch ("Kita 3" and
    "Kita 3, Pulaski 6401": one of them added the house number); leading zeros do not count."""

    def test(a: dict[str, Any], b: dict[str, Any]) -> bool:
        na, nb = set(branch_numbers(a["name_key"] or "")), set(branch_numbers(b["name_key"] or ""))
        return bool(na) and bool(nb) and not (na <= nb or nb <= na)

    def nums(side: str) -> str:
        return (
            f"list_transform(regexp_extract_all(coalesce({side}.name_key, ''), '\\d+'), "
            "lambda x: ltrim(x, '0'))"
        )

    sql = (
        f"(len({nums('l')}) > 0 AND len({nums('r')}) > 0 "
        f"AND NOT list_has_all({nums('l')}, {nums('r')}) AND NOT list_has_all({nums('r')}, {nums('l')}))"
    )
    return test, sql


def branch_numbers(name_key: str) -> list[str]:
    """The numbers in a name as values: "Filiale 0042" and "Filiale 42" carry the same one."""
    return [n.lstrip("0") for n in _NUMBER.findall(name_key)]


def _tokens(text: str) -> set[str]:
    return set(text.split())


def _token_overlap(floor: float) -> tuple[Callable[[dict[str, Any], dict[str, Any]], bool], str]:
    # Share of the shorter name's words found in the other name (1.0: one contains the other).
    def test(a: dict[str, Any], b: dict[str, Any]) -> bool:
        x, y = _tokens(a["name_key"]), _tokens(b["name_key"])
        return bool(x and y) and len(x & y) / min(len(x), len(y)) >= floor

    sql = (
        "(len(list_distinct(list_intersect(string_split(l.name_key, ' '), string_split(r.name_key, ' ')))) "
        "/ least(len(list_distinct(string_split(l.name_key, ' '))), len(list_distinct(string_split(r.name_key, ' '))))"
        f" >= {floor})"
    )
    return test, sql


def _swapped(col: str, other: str) -> tuple[Callable[[dict[str, Any], dict[str, Any]], bool], str]:
    def test(a: dict[str, Any], b: dict[str, Any]) -> bool:
        return (
            bool(a[col] and b[other] and a[other] and b[col])
            and _jw(a[col], b[other]) >= 0.9
            and _jw(a[other], b[col]) >= 0.9
        )

    sql = (
        f"(coalesce(r.{other}, '') <> '' AND coalesce(l.{other}, '') <> '' AND jaro_winkler_similarity(l.{col}, r.{other}) >= 0.9 "
        f"AND jaro_winkler_similarity(l.{other}, r.{col}) >= 0.9)"
    )
    return test, sql


def _other_town() -> tuple[Callable[[dict[str, Any], dict[str, Any]], bool], str]:
    def test(a: dict[str, Any], b: dict[str, Any]) -> bool:
        return bool(
            a["city"] and b["city"] and a["city"] != b["city"] and a["postcode"] != b["postcode"]
        )

    sql = (
        "(coalesce(l.city, '') <> '' AND coalesce(r.city, '') <> '' AND l.city <> r.city "
        "AND coalesce(l.postcode, '') <> coalesce(r.postcode, ''))"
    )
    return test, sql


def _moved() -> tuple[Callable[[dict[str, Any], dict[str, Any]], bool], str]:
    # House numbers only count in the same (or a similar) street of the same town.
    town_test, town_sql = _other_town()

    contained_test, contained_sql = _street_contained()

    def test(a: dict[str, Any], b: dict[str, Any]) -> bool:
        return (
            _jw(a["street"] or "", b["street"] or "") < 0.92
            and not (a["street"] and b["street"] and contained_test(a, b))
        ) or town_test(a, b)

    sql = (
        f"((jaro_winkler_similarity(coalesce(l.street, ''), coalesce(r.street, '')) < 0.92 "
        f"AND NOT (coalesce(l.street, '') <> '' AND coalesce(r.street, '') <> '' AND {contained_sql})) "
        f"OR {town_sql})"
    )
    return test, sql


def _street_contained() -> tuple[Callable[[dict[str, Any], dict[str, Any]], bool], str]:
    # One street key inside the other: the same street with and without an addition
    # ("Markt" / "Am Markt", "W 13th" / "W 13th Place").
    def test(a: dict[str, Any], b: dict[str, Any]) -> bool:
        x, y = a["street"], b["street"]
        return len(x) >= 4 and len(y) >= 4 and (x in y or y in x)

    sql = (
        "(length(l.street) >= 4 AND length(r.street) >= 4 "
        "AND (contains(l.street, r.street) OR contains(r.street, l.street)))"
    )
    return test, sql


def _switchboard() -> tuple[Callable[[dict[str, Any], dict[str, Any]], bool], str]:
    def test(a: dict[str, Any], b: dict[str, Any]) -> bool:
        return a["phone"] == b["phone"] and bool(a.get("phone_shared") or b.get("phone_shared"))

    sql = (
        "(l.phone = r.phone AND (coalesce(l.phone_shared, '') <> '' "
        "OR coalesce(r.phone_shared, '') <> ''))"
    )
    return test, sql


def _shared_mailbox() -> tuple[Callable[[dict[str, Any], dict[str, Any]], bool], str]:
    def test(a: dict[str, Any], b: dict[str, Any]) -> bool:
        return a["email"] == b["email"] and bool(a.get("email_shared") or b.get("email_shared"))

    sql = (
        "(l.email = r.email AND (coalesce(l.email_shared, '') <> '' "
        "OR coalesce(r.email_shared, '') <> ''))"
    )
    return test, sql


def _chain() -> tuple[Callable[[dict[str, Any], dict[str, Any]], bool], str]:
    def test(a: dict[str, Any], b: dict[str, Any]) -> bool:
        return a["name_key"] == b["name_key"] and bool(a.get("name_shared") or b.get("name_shared"))

    sql = (
        "(l.name_key = r.name_key AND (coalesce(l.name_shared, '') <> '' "
        "OR coalesce(r.name_shared, '') <> ''))"
    )
    return test, sql


def _same_street_other_house() -> tuple[Callable[[dict[str, Any], dict[str, Any]], bool], str]:
    # For organisations "same street" is no evidence when the house numbers differ: a branch or
    # a neighbour down the road, and the other number counts against (decision 0031). A
    # person's record with another house number is more often a typing error.
    def test(a: dict[str, Any], b: dict[str, Any]) -> bool:
        return (
            a.get("kind", "organisation") == "organisation"
            and a["street"] == b["street"]
            and bool(a["house"] and b["house"])
            and a["house"] != b["house"]
        )

    sql = (
        "(coalesce(l.kind, 'organisation') = 'organisation' AND l.street = r.street "
        "AND coalesce(l.house, '') <> '' AND coalesce(r.house, '') <> '' AND l.house <> r.house)"
    )
    return test, sql


def _always() -> tuple[Callable[[dict[str, Any], dict[str, Any]], bool], str]:
    return (lambda a, b: True), "TRUE"


def _lv(
    key: str,
    label: Any,
    weight: float,
    cond: tuple[Callable[[dict[str, Any], dict[str, Any]], bool], str],
) -> Level:
    return Level(key=key, label=label, weight=weight, test=cond[0], sql=cond[1])


def _first_initial() -> tuple[Callable[[dict[str, Any], dict[str, Any]], bool], str]:
    return (lambda a, b: a["first"][:1] == b["first"][:1]), "left(l.first, 1) = left(r.first, 1)"


def _birth_near() -> tuple[Callable[[dict[str, Any], dict[str, Any]], bool], str]:
    # One typed digit or day and month swapped: the same date entered twice by hand.
    def test(a: dict[str, Any], b: dict[str, Any]) -> bool:
        x, y = a["birth"], b["birth"]
        if len(x) != len(y):
            return False
        diff = sum(1 for p, q in zip(x, y, strict=True) if p != q)
        return diff <= 1 or (
            len(x) == 10 and x[:4] == y[:4] and x[5:7] == y[8:10] and x[8:10] == y[5:7]
        )

    sql = (
        "(length(l.birth) = length(r.birth) AND (hamming(l.birth, r.birth) <= 1 OR "
        "(length(l.birth) = 10 AND left(l.birth, 4) = left(r.birth, 4) AND substr(l.birth, 6, 2) = substr(r.birth, 9, 2) "
        "AND substr(l.birth, 9, 2) = substr(r.birth, 6, 2))))"
    )
    return test, sql


COMPARISONS: tuple[Comparison, ...] = (
    Comparison(
        "vat", _("VAT id"), ("vat",),
        (_lv("same", _("same VAT id"), 14.0, _eq("vat")), _lv("different", _("different VAT ids"), -20.0, _always())),
    ),
    Comparison(
        "lei", _("LEI"), ("lei",),
        (_lv("same", _("same LEI"), 14.0, _eq("lei")), _lv("different", _("different LEIs"), -20.0, _always())),
    ),
    Comparison(
        "name", _("Name"), ("name_key",),
        (
            # A chain's name (at several addresses) says "same chain", not "same site".
            _lv("chain", _("same chain name (used at several addresses)"), 3.0, _chain()),
            _lv("exact", _("same name"), 9.5, _eq("name_key")),
            _lv("same_words", _("same words in another order"), 9.0, _eq("name_sorted")),
            _lv("numbers", _("names with different numbers"), -3.0, _numbers_differ()),
            _lv("jw95", _("nearly the same name"), 7.0, _name_at_least(0.95)),
            _lv("jw90", _("similar name"), 4.0, _name_at_least(0.90)),
            _lv("contained", _("one name contains the other"), 3.0, _token_overlap(1.0)),
            _lv("overlap", _("names share words"), 1.0, _token_overlap(0.5)),
            _lv("jw80", _("somewhat similar name"), 0.0, _name_at_least(0.80)),
            _lv("different", _("different name"), -5.0, _always()),
        ),
        kinds=("organisation",),
    ),
    Comparison(
        "legal_form", _("Legal form"), ("legal_form",),
        (
            _lv("same", _("same legal form"), 1.0, _eq("legal_form")),
            _lv("related", _("related legal forms"), 0.0, ((lambda a, b: a["legal_form"] in b["legal_form"] or b["legal_form"] in a["legal_form"]), "(strpos(l.legal_form, r.legal_form) > 0 OR strpos(r.legal_form, l.legal_form) > 0)")),
            _lv("different", _("different legal form"), -3.0, _always()),
        ),
        kinds=("organisation",),
    ),
    Comparison(
        "last", _("Last name"), ("last",),
        (
            _lv("exact", _("same last name"), 6.0, _eq("last")),
            _lv("jw92", _("nearly the same last name"), 4.0, _jw_at_least("last", 0.92)),
            _lv("jw85", _("similar last name"), 1.0, _jw_at_least("last", 0.85)),
            _lv("swapped", _("first and last name swapped"), 3.0, _swapped("last", "first")),
            _lv("different", _("different last name"), -3.0, _always()),
        ),
        kinds=("person",),
    ),
    Comparison(
        "first", _("First name"), ("first",),
        (
            _lv("exact", _("same first name"), 4.0, _eq("first")),
            _lv("jw90", _("nearly the same first name"), 2.5, _jw_at_least("first", 0.90)),
            _lv("swapped", _("first and last name swapped"), 3.0, _swapped("first", "last")),
            _lv("initial", _("same initial"), 0.0, _first_initial()),
            _lv("different", _("different first name"), -3.0, _always()),
        ),
        kinds=("person",),
    ),
    Comparison(
        "birth", _("Date of birth"), ("birth",),
        (
            _lv("same", _("same date of birth"), 7.0, _eq("birth")),
            _lv("near", _("date of birth one digit off"), 2.5, _birth_near()),
            _lv("different", _("different date of birth"), -6.0, _always()),
        ),
        kinds=("person",),
    ),
    Comparison(
        "org", _("Organisation"), ("org",),
        (_lv("same", _("same organisation"), 3.0, _eq("org")), _lv("different", _("different organisation"), -3.0, _always())),
        kinds=("person",),
    ),
    Comparison(
        "street", _("Street"), ("street",),
        (
            # The same street name in another town says nothing about the address.
            _lv("elsewhere", _("another town"), -2.0, _other_town()),
            _lv("other_house", _("same street, other house number"), -4.0, _same_street_other_house()),
            _lv("exact", _("same street"), 3.5, _eq("street")),
            _lv("jw92", _("similar street"), 1.5, _jw_at_least("street", 0.92)),
            _lv("contained", _("one street name contains the other"), 1.5, _street_contained()),
            _lv("different", _("different street"), -2.0, _always()),
        ),
    ),
    Comparison(
        "house", _("House number"), ("house",),
        (
            _lv("moved", _("other street"), 0.0, _moved()),
            # Given the same street in the same town, another firm has the same house number
            # about once in 30 pairs (u ~ 1/30, m ~ 0.9): log2(0.9 / 0.033) ~ 4.5.
            _lv("same", _("same house number"), 4.5, _eq("house")),
            _lv("different", _("other house number in the same street"), -3.5, _always()),
        ),
    ),
    Comparison(
        "postcode", _("Postcode"), ("postcode",),
        (
            _lv("same", _("same postcode"), 2.5, _eq("postcode")),
            _lv("near", _("postcode one digit off"), 0.5, (lambda a, b: _hamming1(a["postcode"], b["postcode"]), "(length(l.postcode) = length(r.postcode) AND hamming(l.postcode, r.postcode) <= 1)")),
            _lv("different", _("different postcode"), -1.0, _always()),
        ),
    ),
    Comparison(
        "city", _("City"), ("city",),
        (
            _lv("same", _("same city"), 1.0, _eq("city")),
            _lv("jw90", _("similar city"), 0.5, _jw_at_least("city", 0.90)),
            _lv("different", _("different city"), -1.0, _always()),
        ),
    ),
    Comparison(
        "phone", _("Phone"), ("phone",),
        (
            # A central number shared by branches says little more than "same organisation
            # family"; the hierarchy, not the phone, decides whether branches are one party.
            _lv("switchboard", _("same switchboard number (used at several addresses)"), 1.0, _switchboard()),
            _lv("same", _("same phone number"), 7.0, _eq("phone")),
            _lv("different", _("different phone number"), -1.0, _always()),
        ),
    ),
    Comparison(
        "email", _("E-mail"), ("email",),
        (
            _lv("shared", _("same shared mailbox (used at several addresses)"), 1.0, _shared_mailbox()),
            _lv("same", _("same e-mail address"), 7.0, _eq("email")),
            _lv("different", _("different e-mail address"), -1.0, _always()),
        ),
    ),
    Comparison(
        "email_domain", _("E-mail domain"), ("email_domain",),
        (_lv("same", _("same company e-mail domain"), 1.5, _eq("email_domain")), _lv("different", _("different e-mail domain"), -1.0, _always())),
    ),
)  # fmt: skip


def _hamming1(x: str, y: str) -> bool:
    return len(x) == len(y) and sum(1 for p, q in zip(x, y, strict=True) if p != q) <= 1


def comparisons_for(kind: str) -> list[Comparison]:
    return [c for c in COMPARISONS if kind in c.kinds]


@dataclass
class Evidence:
    """How one field compared and what it weighed."""

    field: str
    label: Any
    level: str
    level_label: Any
    weight: float
    left: Any = ""
    right: Any = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "label": str(self.label),
            "level": self.level,
            "level_label": str(self.level_label),
            "weight": self.weight,
            "left": self.left,
            "right": self.right,
        }


@dataclass
class MatchResult:
    """A scored pair: points (sum of weights plus prior), probability and the evidence."""

    points: float
    probability: float
    evidence: list[Evidence] = field(default_factory=list)
    category: str = "duplicate"
    excluded: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "points": round(self.points, 2),
            "probability": round(self.probability, 4),
            "category": self.category,
            "excluded": self.excluded,
            "evidence": [e.as_dict() for e in self.evidence],
        }


def probability(points: float) -> float:
    """Match probability from points (log2 odds), as splink reports it."""
    return 1.0 / (1.0 + math.pow(2.0, -points))


# Categories: a pair of records of one ERP source with different external ids is a duplicate
# inside the ERP (to be cleaned there); same group at different addresses is not a duplicate.
CATEGORY_DUPLICATE = "duplicate"
CATEGORY_ERP = "erp"
EXCLUDED_SAME_GROUP = "same_group_other_address"


def pair_category(a: Mapping[str, Any], b: Mapping[str, Any]) -> str:
    if (
        a.get("erp_source")
        and a.get("erp_source") == b.get("erp_source")
        and a.get("erp_id")
        and b.get("erp_id")
        and a["erp_id"] != b["erp_id"]
    ):
        return CATEGORY_ERP
    return CATEGORY_DUPLICATE


def hierarchy_exclusion(a: Mapping[str, Any], b: Mapping[str, Any]) -> str:
    """Branches and delivery addresses of one group, chain or association are not duplicates."""
    if (
        a.get("group_root")
        and a.get("group_root") == b.get("group_root")
        and (
            a.get("street") != b.get("street")
            or a.get("postcode") != b.get("postcode")
            or a.get("house") != b.get("house")
        )
    ):
        return EXCLUDED_SAME_GROUP
    return ""


def score_pair(a: dict[str, Any], b: dict[str, Any], model: Weights | None = None) -> MatchResult:
    """Score two feature dicts (see ``features``); every weight that counted is in the evidence.

    ``model``: trained weights for this kind (``quality.training``); the fixed ones otherwise.
    """
    kind = a.get("kind") or "organisation"
    if model is not None and model.kind != kind:
        model = None
    points = prior_of(kind, model)
    evidence: list[Evidence] = []
    if kind != (b.get("kind") or "organisation"):
        return MatchResult(points=-30.0, probability=probability(-30.0), excluded="kind")
    for comp in comparisons_for(kind):
        level = comp.evaluate(a, b)
        if level is None:
            continue
        weight = weight_of(model, comp, level)
        points += weight
        cols = comp.columns[0]
        # Labels stay lazy: translated only when shown (thousands of pairs per check otherwise).
        evidence.append(
            Evidence(comp.key, comp.label, level.key, level.label, weight, a.get(cols), b.get(cols))
        )
    result = MatchResult(
        points=points,
        probability=probability(points),
        evidence=evidence,
        category=pair_category(a, b),
    )
    result.excluded = hierarchy_exclusion(a, b)
    return result


def sql_points(kind: str, model: Weights | None = None) -> str:
    """The DuckDB expression for a pair's points (aliases l and r): the same levels as ``score_pair``."""
    if model is not None and model.kind != kind:
        model = None
    return " + ".join(
        [f"CAST({prior_of(kind, model)!r} AS DOUBLE)"]
        + [c.sql_weight(model) for c in comparisons_for(kind)]
    )


def sql_points_from_levels(kind: str, model: Weights | None = None) -> str:
    """The same points as ``sql_points``, read from the level columns ``sql_level_indexes``
    gave."""
    if model is not None and model.kind != kind:
        model = None
    terms = [f"CAST({prior_of(kind, model)!r} AS DOUBLE)"]
    for comp in comparisons_for(kind):
        cases = " ".join(
            f"WHEN {i} THEN CAST({weight_of(model, comp, lv)!r} AS DOUBLE)"
            for i, lv in enumerate(comp.levels)
        )
        terms.append(f"(CASE lv_{comp.key} {cases} ELSE 0.0 END)")
    return " + ".join(terms)


def sql_level_indexes(kind: str) -> list[tuple[str, str]]:
    """(alias, expression) of every comparison's level position, for the training's table."""
    return [(f"lv_{c.key}", c.sql_level_index()) for c in comparisons_for(kind)]


def level_key(comp: Comparison, index: int | None) -> str | None:
    return None if index is None else comp.levels[index].key


def sql_levels(kind: str) -> list[tuple[str, str]]:
    """(column alias, DuckDB expression) giving each comparison's level key, for explanations."""
    return [(f"lv_{c.key}", c.sql_level()) for c in comparisons_for(kind)]


def explain_levels(
    kind: str, levels: Mapping[str, str | None], model: Weights | None = None
) -> list[Evidence]:
    """Evidence from the level keys the bulk run stored (same labels and weights as ``score_pair``)."""
    if model is not None and model.kind != kind:
        model = None
    out: list[Evidence] = []
    for comp in comparisons_for(kind):
        key = levels.get(comp.key)
        if not key:
            continue
        for lv in comp.levels:
            if lv.key == key:
                out.append(
                    Evidence(
                        comp.key, str(comp.label), lv.key, str(lv.label), weight_of(model, comp, lv)
                    )
                )
                break
    return out


def model_rows(model: Any) -> list[dict[str, Any]]:
    """Every level of a trained model's kind with its learnt and its fixed weight (for the UI
    and the CLI); ``model`` is a ``Weights`` or anything with ``kind`` and ``weights``."""
    points = getattr(model, "points", None) or getattr(model, "weights", {}) or {}
    details = getattr(model, "details", None) or {}
    m, u = details.get("m", {}), details.get("u", {})
    rows = []
    for comp in comparisons_for(model.kind):
        learnt = points.get(comp.key, {})
        for lv in comp.levels:
            rows.append(
                {
                    "field": comp.key,
                    "label": comp.label,
                    "level": lv.key,
                    "level_label": lv.label,
                    "weight": float(learnt.get(lv.key, lv.weight)),
                    "fixed": lv.weight,
                    "learnt": lv.key in learnt,
                    "m": m.get(comp.key, {}).get(lv.key),
                    "u": u.get(comp.key, {}).get(lv.key),
                }
            )
    return rows
