"""The entry-time check: similar parties before a new one is saved (form and API).

Blocking reads indexed columns only (VAT id, LEI, e-mail, phonetic name code, postcode and
organisation), so a check costs a few index lookups plus rapidfuzz over at most a few hundred
candidates, also on a million parties.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException

from verbund.core.text import koelner_phonetik
from verbund.parties.models import Party
from verbund.quality.groups import group_roots
from verbund.quality.matching import ENTRY_THRESHOLD, MatchResult, features, score_pair
from verbund.quality.models import NotDuplicate

CANDIDATE_FIELDS = [
    "id", "kind", "number", "name", "legal_form", "first_name", "last_name", "organisation_id", "birth_date",
    "street", "postcode", "city", "country", "phone", "email", "vat_id", "lei", "erp_source", "erp_id", "archived",
]  # fmt: skip
PER_BLOCK = 200


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


def _candidate_ids(f: dict[str, Any], data: Mapping[str, Any]) -> set[int]:
    base = Party.objects.filter(merged_into__isnull=True, kind=f["kind"])
    queries: list[Q] = []
    if f["vat"]:
        queries.append(Q(vat_id=f["vat"]))
    if f["lei"]:
        queries.append(Q(lei=f["lei"]))
    if f["email"]:
        queries.append(Q(email__in={f["email"], data.get("email") or f["email"]}))
    ids: set[int] = set()
    if queries:
        q = queries[0]
        for extra in queries[1:]:
            q |= extra
        ids.update(base.filter(q).values_list("id", flat=True)[:PER_BLOCK])
    name = data.get("name") or " ".join(
        p for p in (data.get("first_name"), data.get("last_name")) if p
    )
    phon = koelner_phonetik(name)[:200] if name else ""
    if phon:
        ids.update(base.filter(phonetic=phon).values_list("id", flat=True)[:PER_BLOCK])
        first = phon.split()[0]
        if len(first) >= 2:
            # Index range scan over names starting with the same sound ("phonetic" is indexed).
            upper = first[:-1] + chr(ord(first[-1]) + 1)
            ids.update(
                base.filter(phonetic__gte=first, phonetic__lt=upper).values_list("id", flat=True)[
                    :PER_BLOCK
                ]
            )
    if f["postcode"]:
        ids.update(
            base.filter(postcode=f["postcode"]).values_list("id", flat=True)[: PER_BLOCK * 2]
        )
    if f["kind"] == "person" and f["org"]:
        ids.update(base.filter(organisation_id=f["org"]).values_list("id", flat=True)[:PER_BLOCK])
    return ids


def find_similar(
    data: Mapping[str, Any],
    *,
    limit: int = 10,
    threshold: float = ENTRY_THRESHOLD,
    exclude_id: int | None = None,
) -> list[Similar]:
    """Parties similar to ``data`` (party field values), best first, at most ``limit``.

    Merged records never appear; pairs decided "not a duplicate" with ``exclude_id`` neither.
    """
    f = features({**data, "id": None})
    if not (f["name_key"] or f["vat"] or f["lei"] or f["email"]):
        return []
    ids = _candidate_ids(f, data)
    ids.discard(exclude_id)  # type: ignore[arg-type]
    if not ids:
        return []
    rows = list(Party.objects.filter(id__in=ids).values(*CANDIDATE_FIELDS))
    roots = group_roots([r["id"] for r in rows] + ([exclude_id] if exclude_id else []))
    if exclude_id:
        f["group_root"] = roots.get(exclude_id)
        rejected = set(
            NotDuplicate.objects.filter(party_a_id=exclude_id).values_list("party_b_id", flat=True)
        )
        rejected |= set(
            NotDuplicate.objects.filter(party_b_id=exclude_id).values_list("party_a_id", flat=True)
        )
    else:
        rejected = set()
    out = []
    for row in rows:
        if row["id"] in rejected:
            continue
        other = features({**row, "group_root": roots.get(row["id"])})
        result = score_pair(f, other)
        if result.excluded or result.probability < threshold:
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
        super().__init__(
            {
                "detail": str(self.default_detail),
                "code": self.default_code,
                "confirm": "confirm_duplicate=true",
                "candidates": candidates,
            }
        )


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
