"""Ownership by blocked parties along relationships that carry shares (no writes here).

Relationships of a type with ``carries_share`` read from = subsidiary, to = owner, share = the
owner's percentage in the subsidiary. Blocked parties are those with a confirmed hit. An entity
whose blocked owners together hold at least the limit (OFAC: 50% or more; EU/UK: more than
50%) is blocked itself, and counts as a blocked owner further down (the rule applies
recursively, as OFAC's guidance says). Holdings of owners that are not blocked do not pass
through: 40% of A held by a blocked party taints nothing below A.
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from verbund.compliance.models import OwnershipRegime
from verbund.relationships.models import Relationship, valid_on_q

LIMITS: dict[str, tuple[Decimal, bool]] = {
    OwnershipRegime.OFAC: (Decimal("50"), True),  # 50% or more
    OwnershipRegime.EU_UK: (Decimal("50"), False),  # more than 50%
}


def _owned_children(parents: set[int], day: dt.date) -> list[tuple[int, int, Decimal]]:
    """(child, owner, share) for current share-carrying links held by ``parents``."""
    out: list[tuple[int, int, Decimal]] = []
    ids = list(parents)
    for i in range(0, len(ids), 500):
        qs = Relationship.objects.filter(
            valid_on_q(day),
            type__carries_share=True,
            share__isnull=False,
            to_party_id__in=ids[i : i + 500],
        )
        out += [
            (c, o, Decimal(s or 0))
            for c, o, s in qs.values_list("from_party_id", "to_party_id", "share")
        ]
    return out


def compute(
    blocked: set[int], regime: str, day: dt.date | None = None
) -> dict[int, dict[str, Any]]:
    """party id -> {"share": aggregate percent held by blocked owners, "chains": [...]}."""
    day = day or dt.date.today()
    limit, inclusive = LIMITS[regime]
    held: dict[int, Decimal] = defaultdict(Decimal)
    contributions: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    flagged: dict[int, dict[str, Any]] = {}
    chain_of: dict[int, list[dict[str, Any]]] = {p: [] for p in blocked}
    seen_edges: set[tuple[int, int]] = set()
    frontier = set(blocked)
    while frontier:
        next_frontier: set[int] = set()
        for child, owner, share in _owned_children(frontier, day):
            if (child, owner) in seen_edges or child in blocked:
                continue
            seen_edges.add((child, owner))
            held[child] += Decimal(share)
            contributions[child].append((owner, Decimal(share)))
            total = held[child]
            if child not in flagged and (total >= limit if inclusive else total > limit):
                flagged[child] = {}
                next_frontier.add(child)
        # Chains are written once the child's contributions from this round are all in.
        for child in next_frontier | {c for c in flagged if c in held}:
            chains = []
            for owner, share in contributions[child]:
                upstream = chain_of.get(owner) or [
                    {"path": [owner], "shares": [], "effective": None}
                ]
                for up in upstream[:3]:
                    chains.append(
                        {
                            "path": [*up["path"], child],
                            "shares": [*up["shares"], str(share)],
                            "effective": str(share),
                        }
                    )
            flagged[child] = {"share": held[child], "chains": chains}
            chain_of[child] = chains
        frontier = next_frontier
    return flagged
