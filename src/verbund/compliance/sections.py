"""The customer file: a "Gesperrt" badge for blocked parties, and a sanctions section for compliance."""

from typing import Any

from django.utils.translation import gettext as _

from verbund.compliance.models import Hit, HitStatus, OwnershipFlag
from verbund.compliance.selectors import blocked_reasons
from verbund.core.extensions import Badge, Section
from verbund.core.permissions import user_has


def party_badges(party: Any) -> list[Badge]:
    reasons = blocked_reasons([party.pk]).get(party.pk)
    if not reasons:
        return []
    confirmed = [h for h in reasons["hits"] if h["status"] == HitStatus.CONFIRMED]
    if confirmed or reasons["ownership"]:
        detail = "; ".join(
            [f"{h['list']}: {h['entry']}" for h in confirmed]
            + [f"{f['regime']} {f['share']}%" for f in reasons["ownership"]]
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
