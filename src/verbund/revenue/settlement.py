"""Central settlement view (#18.2): every delivery address settled through an association or
main address, with this and the previous period, its share of the association's total,
subtotals per member (each direct member with everything settled through it) and per
sub-association (each settlement party below the association), and the addresses without
revenue in the period.

Figures come from ``analysis.members_ranking`` along ``settlement`` (so they add up to the
association's line in the overview, in either structure); the positions (member,
sub-association, level) are today's. An address that no longer belongs today, counted by the
structure of each month, stands under "former members".
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from verbund.parties.models import Party
from verbund.revenue import analysis, selectors
from verbund.revenue.periods import Period
from verbund.revenue.selectors import _rows

FORMER = 0  # the "member" key of addresses that stand below the association no more


@dataclass
class Address:
    row: analysis.RankRow
    member_id: int
    parent_id: int | None
    depth: int | None
    member_name: str = ""
    parent_name: str = ""

    @property
    def without_revenue(self) -> bool:
        return self.row.cents == 0


@dataclass
class Subtotal:
    party_id: int
    name: str
    number: str
    cents: int = 0
    previous_cents: int = 0
    addresses: int = 0
    share: Decimal | None = None

    @property
    def change_cents(self) -> int:
        return self.cents - self.previous_cents

    @property
    def change_percent(self) -> Decimal | None:
        if self.previous_cents <= 0:
            return None
        return analysis.percent(self.change_cents, self.previous_cents)


@dataclass
class SettlementView:
    ranking: analysis.Ranking
    addresses: list[Address] = field(default_factory=list)
    members: list[Subtotal] = field(default_factory=list)
    sub_associations: list[Subtotal] = field(default_factory=list)

    @property
    def without_revenue(self) -> list[Address]:
        return [a for a in self.addresses if a.without_revenue]


def _positions(association_id: int) -> dict[int, tuple[int, int | None, int]]:
    """Today's position of every party below the association: (member, parent, depth); the
    member is the party's ancestor one level below the association."""
    rtype = selectors.hierarchy_type(selectors.SETTLEMENT)
    if not selectors._fresh(rtype):
        return {}
    ct = selectors._closure_table()
    params = [rtype.pk, association_id]
    rows = _rows(
        f"SELECT c.descendant_id, c.parent_id, c.depth FROM {ct} c WHERE c.type_id = %s AND c.ancestor_id = %s",
        params,
    )
    # Each direct member's subtree (the closure's rows below each level-one party).
    member_of = {
        int(d): int(m)
        for d, m in _rows(
            f"SELECT x.descendant_id, x.ancestor_id FROM {ct} m JOIN {ct} x ON x.type_id = m.type_id"
            " AND x.ancestor_id = m.descendant_id WHERE m.type_id = %s AND m.ancestor_id = %s AND m.depth = 1",
            params,
        )
    }
    found: dict[int, tuple[int, int | None, int]] = {}
    for d, parent, depth in rows:
        d, depth = int(d), int(depth)
        found[d] = (member_of.get(d, d), int(parent) if parent and depth else None, depth)
    return found


SORT_KEYS: dict[str, Any] = {
    "name": lambda a: (a.row.name.casefold(), a.row.party_id),
    "number": lambda a: (a.row.number, a.row.party_id),
    "revenue": lambda a: (a.row.cents, a.row.party_id),
    "previous": lambda a: (a.row.previous_cents, a.row.party_id),
    "change": lambda a: (a.row.change_cents, a.row.party_id),
    "member": lambda a: (a.member_name.casefold(), -a.row.cents, a.row.party_id),
}


def settlement_view(
    association: Party, period: Period, *, mode: str = "current", sort: str = "-revenue"
) -> SettlementView:
    rtype = selectors.hierarchy_type(selectors.SETTLEMENT)
    ranking = analysis.members_ranking(rtype, association.pk, period, mode=mode, limit=None)
    positions = _positions(association.pk)
    view = SettlementView(ranking)
    for r in ranking.rows:
        if r.party_id == association.pk and not (r.cents or r.previous_cents):
            # The association itself is listed only where it bought something itself.
            continue
        member, parent, depth = positions.get(r.party_id, (FORMER, None, None))  # type: ignore[arg-type]
        view.addresses.append(Address(r, member, parent, depth))
    names = {
        p["id"]: (p["name"], p["number"])
        for p in Party.objects.filter(
            pk__in={a.member_id for a in view.addresses}
            | {a.parent_id for a in view.addresses if a.parent_id}
        ).values("id", "name", "number")
    }
    members: dict[int, Subtotal] = {}
    subs: dict[int, Subtotal] = {}
    for a in view.addresses:
        if a.member_id == FORMER:
            a.member_name = _("former members")
        else:
            a.member_name = names.get(a.member_id, ("", ""))[0]
        if a.parent_id and a.parent_id != association.pk:
            a.parent_name = names.get(a.parent_id, ("", ""))[0]
        key = a.member_id
        total = members.get(key)
        if total is None:
            name, number = names.get(key, (a.member_name, ""))
            total = members[key] = Subtotal(key, a.member_name or name, number)
        total.cents += a.row.cents
        total.previous_cents += a.row.previous_cents
        total.addresses += 1
        # Every settlement party between the association and the address has the address in
        # its subtotal: walk up today's parents.
        parent = a.parent_id
        seen = 0
        while parent and parent != association.pk and seen < 64:
            sub = subs.get(parent)
            if sub is None:
                name, number = names.get(parent, ("", ""))
                sub = subs[parent] = Subtotal(parent, name, number)
            sub.cents += a.row.cents
            sub.previous_cents += a.row.previous_cents
            sub.addresses += 1
            parent = positions.get(parent, (0, None, 0))[1]
            seen += 1
    # A sub-association's own row counts in its subtotal as well.
    for a in view.addresses:
        if a.row.party_id in subs:
            sub = subs[a.row.party_id]
            sub.cents += a.row.cents
            sub.previous_cents += a.row.previous_cents
            sub.addresses += 1
    missing = {pid for pid in subs if not subs[pid].name}
    if missing:
        for p in Party.objects.filter(pk__in=missing).values("id", "name", "number"):
            subs[p["id"]].name, subs[p["id"]].number = p["name"], p["number"]
    for s in [*members.values(), *subs.values()]:
        s.share = (
            analysis.percent(s.cents, ranking.total_cents) if ranking.total_cents > 0 else None
        )
    view.members = sorted(members.values(), key=lambda s: (-s.cents, s.name.casefold()))
    view.sub_associations = sorted(subs.values(), key=lambda s: (-s.cents, s.name.casefold()))
    descending = sort.startswith("-")
    view.addresses.sort(key=SORT_KEYS[sort.lstrip("-")], reverse=descending)
    return view
