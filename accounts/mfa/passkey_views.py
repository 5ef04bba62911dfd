"""Passkey pages: the list at /accounts/mfa/passkeys/ with add, rename and remove;
"Sign in with a passkey" on the sign-in page; the passkey on the second step.

The WebAuthn ceremonies run in the browser (accounts/static/accounts/passkeys.js),
which fetches the options as JSON from here and posts the browser's answer back.
Those JSON endpoints answer errors as ``{"detail", "code"}`` with 400/401/403/429.
"""

import json
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from accounts.decorators import reauthentication_required
from accounts.mfa import passkey_challenges, passkeys, sign_in
from accounts.mfa import services as mfa_services
from accounts.models import User
from accounts.reauthentication import reauthenticated_recently, reauthentication_mark
from accounts.security import lockout
from accounts.security.client_ip import client_bucket
from accounts.security.rate_limits import rate_limit_spend
from accounts.sessions import metadata

BACKEND = "accounts.backends.UsernameOrEmailBackend"


def _error(status: int, code: str, detail: str, **extra: Any) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code, **extra}, status=status)


def _ceremony_error(error: passkeys.PasskeyError) -> JsonResponse:
    messages_by_type: dict[type[passkeys.PasskeyError], str] = {
        passkeys.ChallengeMissing: _(
            "This passkey request has expired or was already used. Try again."
        ),
        passkeys.CredentialUnknown: _("This passkey is not registered on this site."),
        passkeys.CredentialRegistered: _("This passkey is already registered."),
    }
    detail = messages_by_type.get(
        type(error), _("The passkey could not be verified. Try again.")
    )
    return _error(400, error.code, detail)


def _json_body(request: HttpRequest) -> dict[str, Any] | None:
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, RequestDataTooBig):
        return None
    return body if isinstance(body, dict) else None


def _reauthenticate_url() -> str:
    query = urlencode({"next": reverse("mfa_passkeys")})
    return f"{reverse('reauthenticate')}?{query}"


def _signed_in_user(request: HttpRequest) -> User:
    """The user of a view that checked is_authenticated (never anonymous there)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def _refusal(request: HttpRequest) -> JsonResponse | None:
    """JSON 401 for no user, 403 for a sign-in that is not recent enough."""
    if not request.user.is_authenticated:
        return _error(401, "not_authenticated", _("Sign in first."))
    if not reauthenticated_recently(request=request):
        return _error(
            403,
            "reauthentication_required",
            _("Confirm it is you before changing your sign-in methods."),
            redirect=_reauthenticate_url(),
        )
    return None


class PasskeysView(LoginRequiredMixin, TemplateView):
    """The user's passkeys by name with their last use; add, rename, remove."""

    template_name = "mfa/passkeys.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            passkeys=passkeys.passkeys_of(user=_signed_in_user(self.request)),
            name_max_length=passkeys.NAME_MAX_LENGTH,
            **kwargs,
        )


@require_POST
def register_begin(request: HttpRequest) -> JsonResponse:
    """The creation options for a new passkey of the signed-in user."""
    refused = _refusal(request)
    if refused:
        return refused
    options = passkeys.registration_begin(
        user=_signed_in_user(request),
        binding=passkey_challenges.session_binding(request.session),
    )
    return JsonResponse(options)


@require_POST
def register_complete(request: HttpRequest) -> JsonResponse:
    """Verify and keep the browser's new credential; the user is emailed."""
    refused = _refusal(request)
    if refused:
        return refused
    user = _signed_in_user(request)
    body = _json_body(request)
    name = body.get("name", "") if body else None
    if body is None or not isinstance(name, str):
        return _error(400, "parse_error", _("The request is not valid JSON."))
    try:
        passkey = mfa_services.mfa_passkey_add(
            user=user,
            binding=passkey_challenges.session_binding(request.session),
            credential=body.get("credential"),
            name=name,
        )
    except passkeys.PasskeyError as error:
        return _ceremony_error(error)
    messages.success(request, _("Passkey “%(name)s” added.") % {"name": passkey.name})
    return JsonResponse({"redirect": reverse("mfa_passkeys")}, status=201)


@require_POST
@reauthentication_required
def passkey_rename(request: HttpRequest, passkey_id: int) -> HttpResponse:
    name = request.POST.get("name", "").strip()
    if not name:
        messages.error(request, _("A passkey needs a name."))
    elif passkeys.passkey_rename(
        user=_signed_in_user(request), passkey_id=passkey_id, name=name
    ):
        messages.success(request, _("Passkey renamed."))
    return redirect("mfa_passkeys")


@require_POST
@reauthentication_required
def passkey_remove(request: HttpRequest, passkey_id: int) -> HttpResponse:
    user = _signed_in_user(request)
    removed = mfa_services.mfa_passkey_remove(user=user, passkey_id=passkey_id)
    if removed is not None:
        messages.success(
            request, _("Passkey “%(name)s” removed.") % {"name": removed.name}
        )
    return redirect("mfa_passkeys")


def _throttled(request: HttpRequest) -> JsonResponse | None:
    # The same count per address as the sign-in form: one address, one budget.
    wait = rate_limit_spend(
        scope="login",
        ident=client_bucket(request),
        rate=settings.AUTHSITE_LOGIN_FORM_RATE,
    )
    if not wait:
        return None
    response = _error(
        429, "throttled", _("Too many attempts from your address. Try again later.")
    )
    response["Retry-After"] = str(wait)
    return response


@require_POST
def sign_in_begin(request: HttpRequest) -> JsonResponse:
    """The request options for signing in with any passkey this browser holds."""
    options = passkeys.authentication_begin(
        binding=passkey_challenges.session_binding(request.session)
    )
    return JsonResponse(options)


@require_POST
def sign_in_complete(request: HttpRequest) -> JsonResponse:
    """Sign in the passkey's owner without a password: the passkey's user
    verification (PIN or biometrics) is the second thing it proves."""
    throttled = _throttled(request)
    if throttled:
        return throttled
    body = _json_body(request)
    if body is None:
        return _error(400, "parse_error", _("The request is not valid JSON."))
    try:
        passkey = passkeys.authentication_complete(
            binding=passkey_challenges.session_binding(request.session),
            credential=body.get("credential"),
        )
    except passkeys.PasskeyError as error:
        return _ceremony_error(error)
    # Before login(): the sign-in event and the session record how it was made.
    request.session[metadata.AMR_KEY] = passkeys.passkey_amr(passkey)
    sign_in.mfa_sign_in_cancel(request=request)
    login(request, passkey.user, backend=BACKEND)
    reauthentication_mark(request=request)
    return JsonResponse({"redirect": _safe_target(request, body.get("next"))})


def _safe_target(request: HttpRequest, target: Any) -> str:
    if isinstance(target, str) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def _second_step_ended() -> JsonResponse:
    return _error(
        401,
        "mfa_sign_in_ended",
        _("Sign in again: that sign-in ended."),
        redirect=reverse("login"),
    )


@require_POST
def second_step_begin(request: HttpRequest) -> JsonResponse:
    """The request options for the second step: the pending user's passkeys."""
    pending = sign_in.mfa_sign_in_pending(request=request)
    if pending is None:
        return _second_step_ended()
    options = passkeys.authentication_begin(
        binding=passkey_challenges.session_binding(request.session), user=pending.user
    )
    return JsonResponse(options)


@require_POST
def second_step_complete(request: HttpRequest) -> HttpResponse:
    """Complete the second step of a sign-in with one of the user's passkeys."""
    throttled = _throttled(request)
    if throttled:
        return throttled
    pending = sign_in.mfa_sign_in_pending(request=request)
    if pending is None:
        return _second_step_ended()
    credentials = {"username": pending.user.get_username()}
    if lockout.is_locked(request=request, credentials=credentials):
        sign_in.mfa_sign_in_cancel(request=request)
        return lockout.lockout_response(request, None, credentials)
    body = _json_body(request)
    if body is None:
        return _error(400, "parse_error", _("The request is not valid JSON."))
    target = sign_in.mfa_sign_in_next(request=request)
    try:
        passkey = passkeys.authentication_complete(
            binding=passkey_challenges.session_binding(request.session),
            credential=body.get("credential"),
            user=pending.user,
        )
    except passkeys.PasskeyError as error:
        return _ceremony_error(error)
    sign_in.mfa_sign_in_complete(
        request=request, user=pending.user, amr=passkeys.second_factor_amr(passkey)
    )
    return JsonResponse({"redirect": _safe_target(request, target)})
