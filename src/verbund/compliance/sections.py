"""The customer file: a "Gesperrt" badge for blocked parties, and a sanctions section for compliance."""

from typing import Any

from django.utils.translation import gettext as _

from verbund.compliance.models import Hit, HitStatus, ListKind, ListUpdate, OwnershipFlag
from verbund.compliance.selectors import blocked_reasons, new_hits
from verbund.core.extensions import Badge, Section
from verbund.core.formatting import format_percent
from verbund.core.permissions import user_has
from verbund.core.prepared import Prepared

# Compiled once (core/prepared.py): asked on every customer file opened.
_TOUCHED = Prepared(
    lambda party: (
        Hit.objects.filter(party_id=party)
        .order_by()
        .values_list("party_id", flat=True)
        .union(
            OwnershipFlag.objects.filter(party_id=party)
            .order_by()
            .values_list("party_id", flat=True)
        )[:1]
    ),
    party=int,
)


def party_badges(party: Any) -> list[Badge]:
    # Most parties have no hit and no ownership flag: one query says so for both, instead of
    # the three that name what there is.
    if not _TOUCHED(party=party.pk):
        return []
    badges = []
    if Hit.objects.filter(
        party_id=party.pk, status=HitStatus.CONFIRMED, list__kind=ListKind.PEP
    ).exists():
        badges.append(
            Badge(
                label=_("PEP"),
                css="badge badge-pep",
                url=f"/compliance/parties/{party.pk}/",
                title=_("Politically exposed person (confirmed list hit)"),
            )
        )
    return _block_badges(party) + badges


def _block_badges(party: Any) -> list[Badge]:
    reasons = blocked_reasons([party.pk]).get(party.pk)
    if not reasons:
        return []
    confirmed = [h for h in reasons["hits"] if h["status"] == HitStatus.CONFIRMED]
    if confirmed or reasons["ownership"]:
        detail = "; ".join(
            [f"{h['list']}: {h['entry']}" for h in confirmed]
            + [
                f"{f['regime']} {format_percent(f['share'], at_most=2)}"
                for f in reasons["ownership"]
            ]
        )
        return [
            Badge(
                label=_("Blocked (sanctions)"),
                css="badge badge-danger",
                url=f"/compliance/parties/{party.pk}/",
                title=detail,
            )
        ]
    return [
        Badge(
            label=_("Sanctions hit pending"),
            css="badge badge-warning",
            url=f"/compliance/parties/{party.pk}/",
        )
    ]


def party_sections(request: Any, party: Any) -> list[Section]:
    if not user_has(getattr(request, "user", None), "compliance.view_hit"):
        return []
    hits = list(
        Hit.objects.filter(party_id=party.pk)
        .exclude(status=HitStatus.OBSOLETE)
        .select_related("list")
    )
    flags = list(OwnershipFlag.objects.filter(party_id=party.pk))
    return [
        Section(
            key="compliance",
            title=_("Sanctions screening"),
            template="compliance/_party_section.html",
            context={"hits": hits, "flags": flags, "party": party},
            order=90,
        )
    ]


def home_sections(request: Any) -> list[Section]:
    """The compliance users' start page: open hits found in the last days (list updates and
    changed parties), newest first, and the last automatic list update."""
    if not user_has(getattr(request, "user", None), "compliance.view_hit"):
        return []
    hits, total = new_hits()
    return [
        Section(
            key="compliance-new-hits",
            title=_("New screening hits"),
            template="compliance/_home_hits.html",
            context={
                "new_hits": hits,
                "new_hits_total": total,
                "last_update": ListUpdate.objects.first(),
            },
            order=10,
        )
    ]
