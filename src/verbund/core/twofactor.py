"""Two-factor login with TOTP (django-otp), and recovery codes (issue 21).

Optional for every user; with ``VERBUND_REQUIRE_2FA`` required for the roles in
``VERBUND_2FA_ROLES`` (admin, compliance) and for superusers. After the password, a login
(through any login page: ours, the admin's) puts the session into one of two states, kept in
the session until they are left:

- ``verify``: the user has a confirmed device and must enter a code from the authenticator app
  or one of the recovery codes (each works once);
- ``setup``: 2FA is required for the user, who has none yet, and must set it up.

While a session is in either state, ``core.middleware.TwoFactorMiddleware`` lets it reach only
these pages, logout and static files (the API answers 403). A wrong code counts as a failed
login for the lockout (django-axes). API tokens are not affected: a token is a credential of
its own, issued by an administrator (`verbund token`), and machine clients have no second
factor to offer.
"""

from __future__ import annotations

import re
from base64 import b32encode
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, user_logged_in, user_login_failed
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from verbund.core import audit

STATE = "verbund_2fa"
VERIFY, SETUP = "verify", "setup"
RECOVERY_CODES = 10
DEVICE_NAME = "Verbund"


def has_device(user: Any) -> bool:
    """Whether ``user`` logs in with a second factor (recovery codes exist only beside it)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def required_for(user: Any) -> bool:
    """Whether 2FA is required for ``user`` (VERBUND_REQUIRE_2FA and a role in VERBUND_2FA_ROLES)."""
    if not settings.VERBUND_REQUIRE_2FA:
        return False
    return bool(
        user.is_superuser or user.groups.filter(name__in=settings.VERBUND_2FA_ROLES).exists()
    )


@receiver(user_logged_in, dispatch_uid="verbund.core.twofactor.after_login")
def after_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """After the password: ask for the code, or for the setup, before anything else."""
    session = getattr(request, "session", None)
    if session is None:
        return
    if has_device(user):
        session[STATE] = VERIFY
    elif required_for(user):
        session[STATE] = SETUP
    else:
        session.pop(STATE, None)


def state(request: HttpRequest) -> str:
    session = getattr(request, "session", None)
    return str(session.get(STATE, "")) if session is not None else ""


def _clean(code: str) -> str:
    return re.sub(r"\s+", "", code or "")


# --- actions --------------------------------------------------------------------------------


@transaction.atomic
def do_start_totp(user: Any) -> TOTPDevice:
    """An unconfirmed authenticator for ``user`` (a new secret); confirmed by a first code."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


@transaction.atomic
def do_confirm_totp(user: Any, code: str) -> list[str]:
    """Switch 2FA on: the pending authenticator's first code confirms it. Returns the new
    recovery codes (shown once; only their use is recorded)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None or not device.verify_token(_clean(code)):
        raise ValidationError(
            {
                "code": [
                    _(
                        "The code is not valid. Check the time on your phone and enter the current code."
                    )
                ]
            }
        )
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_codes(user)
    audit.record(
        actor=user,
        action="auth.2fa_enabled",
        object_type="auth.user",
        object_id=user.pk,
        note=user.get_username(),
    )
    return codes


def _new_codes(user: Any) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=_("Recovery codes"), confirmed=True)
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


@transaction.atomic
def do_new_recovery_codes(user: Any, code: str) -> list[str]:
    """Replace the recovery codes (a current code proves it is the user)."""
    if match_token(user, _clean(code)) is None:
        raise ValidationError({"code": [_("The code is not valid.")]})
    codes = _new_codes(user)
    audit.record(
        actor=user,
        action="auth.2fa_codes",
        object_type="auth.user",
        object_id=user.pk,
        note=user.get_username(),
    )
    return codes


@transaction.atomic
def do_disable_2fa(user: Any, code: str) -> None:
    """Switch 2FA off (a current code or a recovery code proves it is the user)."""
    if required_for(user):
        raise ValidationError(
            {"code": [_("Your role requires two-factor login; it cannot be switched off.")]}
        )
    if match_token(user, _clean(code)) is None:
        raise ValidationError({"code": [_("The code is not valid.")]})
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit.record(
        actor=user,
        action="auth.2fa_disabled",
        object_type="auth.user",
        object_id=user.pk,
        note=user.get_username(),
    )


# --- pages ----------------------------------------------------------------------------------


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def verify(request: HttpRequest) -> HttpResponse:
    """The second step of a login: a code from the authenticator app or a recovery code."""
    from axes.handlers.proxy import AxesProxyHandler

    from verbund.core.security import lockout_response

    if state(request) != VERIFY:
        return redirect(_next(request))
    user = request.user
    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        logout(request)
        return lockout_response(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, _clean(form.cleaned_data["code"]))
        if device is not None:
            otp_login(request, device)
            request.session.pop(STATE, None)
            return redirect(_next(request))
        # Counts towards the lockout like a wrong password.
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if AxesProxyHandler.is_locked(request, credentials):
            logout(request)
            return lockout_response(request)
        form.add_error("code", _("The code is not valid."))
    return render(request, "core/twofactor/verify.html", {"form": form, "next": _next(request)})


def _qr_svg(uri: str) -> str:
    import segno

    return mark_safe(segno.make(uri, error="m").svg_inline(scale=4, dark="#1f2933"))  # noqa: S308 - our own SVG


def manage(request: HttpRequest) -> HttpResponse:
    """Set up, see and switch off two-factor login; new recovery codes."""
    user = request.user
    form = CodeForm(request.POST or None)
    codes: list[str] = []
    action = request.POST.get("action", "")
    if request.method == "POST" and action == "start":
        do_start_totp(user)
        return redirect("two-factor")
    if request.method == "POST" and form.is_valid():
        try:
            if action == "confirm":
                codes = do_confirm_totp(user, form.cleaned_data["code"])
                if state(request) == SETUP:
                    request.session.pop(STATE, None)
                messages.success(request, _("Two-factor login is on."))
            elif action == "codes":
                codes = do_new_recovery_codes(user, form.cleaned_data["code"])
            elif action == "disable":
                do_disable_2fa(user, form.cleaned_data["code"])
                messages.success(request, _("Two-factor login is off."))
                return redirect("two-factor")
        except ValidationError as exc:
            for message in exc.message_dict.get("code", exc.messages):
                form.add_error("code", message)
        else:
            form = CodeForm()  # a used code is not shown again
    enabled = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    pending = (
        None
        if enabled
        else TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    )
    context: dict[str, Any] = {
        "form": form,
        "enabled": enabled,
        "required": required_for(user),
        "setup_required": state(request) == SETUP,
        "codes": codes,
        "recovery_left": StaticToken.objects.filter(device__user=user).count(),
        "action": action,
    }
    if pending is not None:
        context.update(
            pending=pending,
            uri=pending.config_url,
            secret=b32encode(pending.bin_key).decode("ascii"),
            qr=_qr_svg(pending.config_url),
        )
    return render(request, "core/twofactor/manage.html", context)
