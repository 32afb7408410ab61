"""Carry the user's stored language into the session at login."""

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from verbund.core.models import UserProfile


@receiver(user_logged_in, dispatch_uid="verbund.web.language_at_login")
def language_at_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    profile = UserProfile.objects.filter(user=user).only("language").first()
    if profile is not None and request is not None and hasattr(request, "session"):
        request.session["verbund_language"] = profile.language
