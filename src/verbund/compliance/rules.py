"""Rules of the hit review that more than one surface needs (the hit page, the API's answers)."""

from typing import Any

from verbund.compliance.models import Hit, HitStatus

CONFIRM, DISMISS, LIFT = "confirm", "dismiss", "lift"


def review_choices(hit: Hit, user: Any) -> list[str]:
    """What a reviewer may still decide on ``hit``.

    An open hit: confirm or dismiss. A hit confirmed once under four-eyes: a second person
    confirms it, anyone may dismiss it. A dismissed hit can still be confirmed. A finally
    confirmed hit is decided: only lifting the block is left (a dismissal with its reason,
    ``do_dismiss_hit``); a hit no longer matching the list is not reviewed.
    """
    if hit.status == HitStatus.OPEN:
        return [CONFIRM, DISMISS]
    if hit.status == HitStatus.PENDING:
        same = hit.first_reviewer_id is not None and hit.first_reviewer_id == getattr(
            user, "pk", None
        )
        return [DISMISS] if same else [CONFIRM, DISMISS]
    if hit.status == HitStatus.DISMISSED:
        return [CONFIRM]
    if hit.status == HitStatus.CONFIRMED:
        return [LIFT]
    return []
