"""Rules of the hit review that more than one surface needs (the hit page, the API's answers)."""

from typing import Any

from django.utils.translation import gettext as _

from verbund.compliance import screening
from verbund.compliance.models import Hit, HitStatus

CONFIRM, DISMISS, LIFT = "confirm", "dismiss", "lift"


def second_review_refusal(hit: Hit, user: Any) -> str | None:
    """Why ``user`` may not confirm ``hit`` (four-eyes review: the first reviewer of a hit
    awaiting its second review), or None. The action refuses with it, the hit page says it."""
    if (
        hit.status == HitStatus.PENDING
        and screening.four_eyes()
        and hit.first_reviewer_id is not None
        and hit.first_reviewer_id == getattr(user, "pk", None)
    ):
        return _("Four-eyes review: a second person must confirm this hit.")
    return None


def review_choices(hit: Hit, user: Any) -> list[str]:
    """What a reviewer may still decide on ``hit``.

    An open hit: confirm or dismiss. A hit confirmed once under four-eyes: a second person
    confirms it, anyone may dismiss it; once four-eyes review is off, its first reviewer may
    confirm it too (as ``do_confirm_hit`` allows). A dismissed hit can still be confirmed. A finally
    confirmed hit is decided: only lifting the block is left (a dismissal with its reason,
    ``do_dismiss_hit``); a hit no longer matching the list is not reviewed.
    """
    if hit.status == HitStatus.OPEN:
        return [CONFIRM, DISMISS]
    if hit.status == HitStatus.PENDING:
        return [DISMISS] if second_review_refusal(hit, user) else [CONFIRM, DISMISS]
    if hit.status == HitStatus.DISMISSED:
        return [CONFIRM]
    if hit.status == HitStatus.CONFIRMED:
        return [LIFT]
    return []


def queue_statuses(pending: int) -> list[tuple[str, str]]:
    """The hit statuses the queue offers, as (value, label). "Awaiting second review" only
    while four-eyes review is on, or while ``pending`` hits still wait for one from a time it
    was on: they must stay findable until someone confirms or dismisses them."""
    shows_pending = screening.four_eyes() or pending > 0
    return [
        (v, str(label)) for v, label in HitStatus.choices if v != HitStatus.PENDING or shows_pending
    ]
