"""Core writes: API tokens and user preferences."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from verbund.core import audit
from verbund.core.models import UserProfile
from verbund.core.prepared import Prepared


@transaction.atomic
def do_create_token(username: str, *, actor: Any = None, rotate: bool = False) -> str:
    """Return the API token of ``username``, creating it (or replacing it when ``rotate``)."""
    User = get_user_model()
    try:
        user = User.objects.get(username=username)
    except User.DoesNotExist:
        raise ValidationError(
            {"username": _("No user named %(name)s.") % {"name": repr(username)}}
        ) from None
    if rotate:
        Token.objects.filter(user=user).delete()
    token, created = Token.objects.get_or_create(user=user)
    if created:
        audit.record(
            actor=actor,
            action="token.create",
            object_type="auth.user",
            object_id=user.pk,
            note=username,
        )
    return token.key


@transaction.atomic
def do_set_language(user: Any, language: str) -> UserProfile:
    profile, _ = UserProfile.objects.get_or_create(user=user)
    before = {"language": profile.language}
    profile.language = language
    profile.save(update_fields=["language"])
    audit.record(
        actor=user,
        action="profile.language",
        obj=profile,
        before=before,
        after={"language": language},
    )
    return profile


@transaction.atomic
def do_set_reminder_mail(user: Any, enabled: bool) -> UserProfile:
    """Switch the user's daily reminder mail on or off (their own choice, audited as the
    language is); setting it as it is records nothing."""
    profile, _ = UserProfile.objects.select_for_update().get_or_create(user=user)
    if profile.reminder_mail == enabled:
        return profile
    profile.reminder_mail = enabled
    profile.save(update_fields=["reminder_mail"])
    audit.record(
        actor=user,
        action="profile.reminder_mail",
        obj=profile,
        before={"reminder_mail": not enabled},
        after={"reminder_mail": enabled},
    )
    return profile


# Read on every customer file opened (core/prepared.py).
_PROFILE = Prepared(lambda user: UserProfile.objects.filter(user_id=user), user=int)


def remember_recent_party(user: Any, party_id: int, keep: int = 10) -> None:
    """Keep the user's recently opened files (a preference, not business data: not audited)."""
    found = _PROFILE(user=user.pk)
    profile = found[0] if found else UserProfile.objects.get_or_create(user=user)[0]
    recent = [party_id] + [p for p in profile.recent_party_ids if p != party_id]
    if recent[:keep] != profile.recent_party_ids:
        profile.recent_party_ids = recent[:keep]
        profile.save(update_fields=["recent_party_ids"])
