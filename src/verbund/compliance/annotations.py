"""Hierarchy views: mark blocked nodes (confirmed hit or ownership flag)."""

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from verbund.compliance.models import HitStatus
from verbund.compliance.selectors import blocked_reasons


def node_annotations(
    party_ids: list[int], type_key: str, as_of: dt.date | None
) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    for pid, reasons in blocked_reasons(party_ids).items():
        confirmed = any(h["status"] == HitStatus.CONFIRMED for h in reasons["hits"])
        if confirmed or reasons["ownership"]:
            out[pid] = {
                "blocked": True,
                "badge": _("Blocked"),
                "css": "badge badge-danger",
                "ownership": reasons["ownership"],
            }
        else:
            out[pid] = {"blocked": False, "badge": _("Hit pending"), "css": "badge badge-warning"}
    return out
