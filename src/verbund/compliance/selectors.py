"""Read-side questions other pages ask: is this party blocked, and why."""

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from verbund.compliance.models import Hit, HitStatus, OwnershipFlag


def blocked_reasons(party_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """party id -> {"hits": [...confirmed/pending entries], "ownership": [...flags]} for affected parties."""
    ids = list(party_ids)
    out: dict[int, dict[str, Any]] = {}
    for i in range(0, len(ids), 900):
        part = ids[i : i + 900]
        for pid, status, name, list_key in Hit.objects.filter(
            party_id__in=part, status__in=[HitStatus.CONFIRMED, HitStatus.PENDING]
        ).values_list("party_id", "status", "entry_name", "list__key"):
            out.setdefault(pid, {"hits": [], "ownership": []})["hits"].append(
                {"status": status, "entry": name, "list": list_key}
            )
        for pid, regime, share in OwnershipFlag.objects.filter(party_id__in=part).values_list(
            "party_id", "regime", "share"
        ):
            out.setdefault(pid, {"hits": [], "ownership": []})["ownership"].append(
                {"regime": regime, "share": str(share)}
            )
    return out


def is_blocked(party_id: int) -> bool:
    """Blocked: a confirmed hit, or owned by blocked parties above a regime's limit."""
    return (
        Hit.objects.filter(party_id=party_id, status=HitStatus.CONFIRMED).exists()
        or OwnershipFlag.objects.filter(party_id=party_id).exists()
    )


def block_warning(party_id: int) -> str:
    """The warning edit forms and exports show for a blocked party ("" when not blocked)."""
    reasons = blocked_reasons([party_id]).get(party_id)
    if not reasons:
        return ""
    parts = [
        f"{h['list']}: {h['entry']}" for h in reasons["hits"] if h["status"] == HitStatus.CONFIRMED
    ]
    parts += [
        _("owned %(share)s%% by blocked parties (%(regime)s)")
        % {"share": f["share"], "regime": f["regime"]}
        for f in reasons["ownership"]
    ]
    if not parts:
        return _("Sanctions hit awaiting second confirmation.")
    return _("Sanctions block: %(reasons)s") % {"reasons": "; ".join(parts)}
