"""The entry-time check: similar parties before a new one is saved (form and API).

Blocking reads indexed columns only (VAT id, LEI, e-mail, phonetic name code, postcode and
organisation), so a check costs a few index lookups plus rapidfuzz over at most a few hundred
candidates, also on a million parties.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException

from verbund.core.text import koelner_phonetik
from verbund.parties.models import Party
from verbund.quality.features import features
from verbund.quality.groups import group_roots
from verbund.quality.matching import ENTRY_THRESHOLD, MatchResult, hierarchy_exclusion, score_pair
from verbund.quality.models import NotDuplicate

CANDIDATE_FIELDS = [
    "id", "kind", "number", "name", "legal_form", "first_name", "last_name", "organisation_id", "birth_date",
    "street", "postcode", "city", "country", "phone", "email", "vat_id", "lei", "erp_source", "erp_id", "archived",
]  # fmt: skip
# The attribute names above are the column names (foreign keys as ``<name>_id``).
CANDIDATE_COLUMNS = CANDIDATE_FIELDS
PER_BLOCK = 200
NEIGHBOURS = 30


@dataclass
class Similar:
    """A party similar to the entered data, with its score and the evidence."""

    party: dict[str, Any]
    result: MatchResult

    def as_dict(self) -> dict[str, Any]:
        p = self.party
        return {
            "id": p["id"],
            "number": p["number"],
            "name": p["name"],
            "kind": p["kind"],
            "street": p["street"],
            "postcode": p["postcode"],
            "city": p["city"],
            "archived": p["archived"],
            **self.result.as_dict(),
        }


def _block_queries(f: dict[str, Any], data: Mapping[str, Any]) -> list[tuple[str, list[Any]]]:
    """(SQL, params) per block; each reads one indexed column. Column names come from code."""
    t = Party._meta.db_table
    cols = "id, kind, merged_into_id"
    out: list[tuple[str, list[Any]]] = []
    # Only the indexed condition goes to the database, so that SQLite cannot prefer the
    # (kind, id) index and scan every organisation; kind and merge state are checked here.
    if f["vat"]:
        out.append((f"SELECT {cols} FROM {t} WHERE vat_id = %s LIMIT {PER_BLOCK}", [f["vat"]]))
    if f["lei"]:
        out.append((f"SELECT {cols} FROM {t} WHERE lei = %s LIMIT {PER_BLOCK}", [f["lei"]]))
    if f["email"]:
        raw = (data.get("email") or f["email"]).strip()
        out.append(
            (f"SELECT {cols} FROM {t} WHERE email IN (%s, %s) LIMIT {PER_BLOCK}", [f["email"], raw])
        )
    name = data.get("name") or " ".join(
        p for p in (data.get("first_name"), data.get("last_name")) if p
    )
    phon = koelner_phonetik(name)[:200] if name else ""
    if phon:
        out.append((f"SELECT {cols} FROM {t} WHERE phonetic = %s LIMIT {PER_BLOCK // 2}", [phon]))
        # The nearest names in phonetic order on both sides (two short index range scans):
        # names that sound alike share a long prefix of their code, whatever their legal form.
        out.append(
            (
                f"SELECT {cols} FROM {t} WHERE phonetic > %s ORDER BY phonetic LIMIT {NEIGHBOURS}",
                [phon],
            )
        )
        out.append(
            (
                f"SELECT {cols} FROM {t} WHERE phonetic < %s ORDER BY phonetic DESC LIMIT {NEIGHBOURS}",
                [phon],
            )
        )
    if f["postcode"]:
        out.append(
            (f"SELECT {cols} FROM {t} WHERE postcode = %s LIMIT {PER_BLOCK * 2}", [f["postcode"]])
        )
    if f["kind"] == "person" and f["org"]:
        out.append(
            (
                f"SELECT {cols} FROM {t} WHERE organisation_id = %s LIMIT {PER_BLOCK}",
                [int(f["org"])],
            )
        )
    return out


def _candidate_ids(f: dict[str, Any], data: Mapping[str, Any]) -> set[int]:
    blocks = _block_queries(f, data)
    if not blocks:
        return set()
    # One round trip: each block a sub-select with its own order and limit.
    sql = " UNION ALL ".join(f"SELECT * FROM ({q}) b{i}" for i, (q, _p) in enumerate(blocks))
    params = [p for _q, ps in blocks for p in ps]
    with connection.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    return {pid for pid, kind, merged in rows if kind == f["kind"] and merged is None}


def _rows(ids: set[int]) -> list[dict[str, Any]]:
    t = Party._meta.db_table
    cols = ", ".join(CANDIDATE_COLUMNS)
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cur:
        cur.execute(f"SELECT {cols} FROM {t} WHERE id IN ({marks})", list(ids))
        return [dict(zip(CANDIDATE_FIELDS, r, strict=True)) for r in cur.fetchall()]


def find_similar(
    data: Mapping[str, Any],
    *,
    limit: int = 10,
    threshold: float = ENTRY_THRESHOLD,
    exclude_id: int | None = None,
) -> list[Similar]:
    """Parties similar to ``data`` (party field values), best first, at most ``limit``.

    Merged records never appear; pairs decided "not a duplicate" with ``exclude_id`` neither;
    branches of the same group at another address neither.
    """
    f = features({**data, "id": None})
    if not (f["name_key"] or f["vat"] or f["lei"] or f["email"]):
        return []
    ids = _candidate_ids(f, data)
    ids.discard(exclude_id)  # type: ignore[arg-type]
    if not ids:
        return []
    scored = []
    for row in _rows(ids):
        result = score_pair(f, features(row))
        if result.probability >= threshold:
            scored.append((row, result))
    if not scored:
        return []
    # Group membership is read for the few candidates that scored, not for every block row.
    roots = group_roots([r["id"] for r, _res in scored] + ([exclude_id] if exclude_id else []))
    rejected: set[int] = set()
    if exclude_id:
        f["group_root"] = roots.get(exclude_id)
        rejected = set(
            NotDuplicate.objects.filter(party_a_id=exclude_id).values_list("party_b_id", flat=True)
        )
        rejected |= set(
            NotDuplicate.objects.filter(party_b_id=exclude_id).values_list("party_a_id", flat=True)
        )
    out = []
    for row, result in scored:
        if row["id"] in rejected:
            continue
        if hierarchy_exclusion(f, features({**row, "group_root": roots.get(row["id"])})):
            continue
        out.append(Similar(row, result))
    out.sort(key=lambda s: (-s.result.points, s.party["id"]))
    return out[:limit]


class DuplicatesFound(APIException):
    """409: the party looks like existing ones; repeat with ``confirm_duplicate: true`` or ``?confirm=1``."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("Similar parties exist. Confirm to create anyway.")
    default_code = "duplicates_found"

    def __init__(self, candidates: list[dict[str, Any]]) -> None:
        # The body keeps its JSON types (ids stay numbers, scores floats): see core.api.
        self.body: dict[str, Any] = {
            "detail": str(self.default_detail),
            "code": self.default_code,
            "confirm": "confirm_duplicate=true",
            "candidates": candidates,
        }
        super().__init__(self.body)


TRUE_VALUES = {"1", "true", "yes", "on"}


def is_confirmed(request: Any) -> bool:
    """Whether the API caller confirmed creating despite duplicates (query or body)."""
    if str(request.query_params.get("confirm", "")).lower() in TRUE_VALUES:
        return True
    value = request.data.get("confirm_duplicate") if hasattr(request.data, "get") else None
    return value is True or str(value).lower() in TRUE_VALUES


def check_duplicates_or_raise(
    data: Mapping[str, Any], *, confirmed: bool = False, threshold: float = 0.8
) -> None:
    """Raise ``DuplicatesFound`` (HTTP 409, with the candidates) unless confirmed or none found."""
    if confirmed:
        return
    found = find_similar(data, limit=10, threshold=threshold)
    if found:
        raise DuplicatesFound([s.as_dict() for s in found])
