"""Every write of the privacy role, each in one transaction with its privacy-log entry (and,
where a party changes, its audit record)."""

from __future__ import annotations

from typing import Any

from verbund.privacy.models import PrivacyLog


def log(*, actor: Any, party_id: int | None, action: str, article: str, reason: str = "") -> None:
    """Add one privacy-log entry (inside the caller's transaction). No personal data: the
    party by id, the act, the article, the reason as typed."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    PrivacyLog.objects.create(
        actor=user, party_id=party_id, action=action, article=article, reason=reason[:500]
    )
