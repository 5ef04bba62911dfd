"""Pages of email verification: the link's confirm page, the code, sending again.

The link's page only shows a button: its POST confirms, so a mail scanner that fetches
every link verifies nothing. The browser that signed up (or was refused sign-in for an
unconfirmed address) keeps the address in a signed cookie, so the code and resend
pages know it without asking; a signed-in user's own pending address is used first.
"""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView

from accounts import forms, verification
from accounts.models import User
from accounts.security.client_ip import client_bucket

_COOKIE_SALT = "accounts.verification.address"


def address_cookie_name() -> str:
    """The signed cookie naming the address this browser is confirming: ``__Host-``
    when cookies are Secure, as for the session cookie."""
    return "__Host-verify" if settings.SESSION_COOKIE_SECURE else "verify"


def address_cookie_set(response: HttpResponse, *, email: str) -> None:
    """Remember in this browser that ``email`` is being confirmed."""
    response.set_signed_cookie(
        address_cookie_name(),
        email,
        salt=_COOKIE_SALT,
        max_age=settings.AUTHSITE_EMAIL_VERIFICATION_TTL,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def address_cookie_read(request: HttpRequest) -> str:
    """The address this browser is confirming, or "" (none, forged or expired)."""
    try:
        found = request.get_signed_cookie(
            address_cookie_name(),
            default="",
            salt=_COOKIE_SALT,
            max_age=settings.AUTHSITE_EMAIL_VERIFICATION_TTL,
        )
    except signing.BadSignature:
        return ""
    return found or ""


def verification_banner(request: HttpRequest) -> dict[str, Any]:
    """Context processor: whether a signed-in user with an unconfirmed address is
    asked to confirm it (under mandatory or optional verification). The template reads
    the user, so pages that show no user do not load one."""
    return {"email_verification_asked": verification.verification_at_signup()}


def _signed_in(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


def _expired_page(request: HttpRequest, *, taken: bool = False) -> HttpResponse:
    return render(
        request,
        "accounts/email_verify_expired.html",
        {"taken": taken},
        status=410,
    )


class EmailVerifyKeyView(View):
    """GET: the address and a confirm button; POST: confirm it (single use)."""

    http_method_names = ["get", "post"]

    def get(self, request: HttpRequest, key: str) -> HttpResponse:
        found = verification.email_verification_by_key(key=key)
        if found is None:
            return _expired_page(request)
        return render(
            request, "accounts/email_verify_confirm.html", {"email": found.email}
        )

    def post(self, request: HttpRequest, key: str) -> HttpResponse:
        try:
            user = verification.email_verification_confirm_key(key=key)
        except verification.VerificationInvalid:
            return _expired_page(request)
        except verification.VerificationAddressTaken:
            return _expired_page(request, taken=True)
        return _confirmed(request, user=user)


def _confirmed(request: HttpRequest, *, user: User) -> HttpResponse:
    messages.success(
        request, _("Your email address %(email)s is confirmed.") % {"email": user.email}
    )
    signed_in = _signed_in(request)
    if signed_in is not None and signed_in.pk == user.pk:
        response = redirect("profile")
    elif signed_in is not None:
        response = redirect("home")
    else:
        response = redirect("login")
    response.delete_cookie(address_cookie_name(), samesite="Lax")
    return response


class EmailVerifyCodeView(FormView):
    """Type the 6-digit code of the message (the signed-in user's pending address, or
    the one this browser signed up with, or the one typed)."""

    form_class = forms.VerificationCodeForm
    template_name = "accounts/email_verify_code.html"

    def _known_address(self) -> str:
        user = _signed_in(self.request)
        if user is not None:
            pending = verification.email_verification_pending(user=user)
            return pending.email if pending is not None else ""
        return address_cookie_read(self.request)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "address": self._known_address()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(address=self._known_address(), **kwargs)

    def form_valid(self, form: forms.VerificationCodeForm) -> HttpResponse:
        user = _signed_in(self.request)
        if user is not None:
            pending = verification.email_verification_pending(user=user)
        else:
            address = self._known_address() or form.cleaned_data.get("email", "")
            pending = verification.email_verification_pending(email=address)
        try:
            confirmed = verification.email_verification_confirm_code(
                verification=pending, code=form.cleaned_data["code"]
            )
        except verification.VerificationInvalid:
            form.add_error(
                "code",
                _(
                    "That code is not right, or it has expired. Check the newest "
                    "message, or have a new one sent."
                ),
            )
            return self.form_invalid(form)
        except verification.VerificationAddressTaken:
            return _expired_page(self.request, taken=True)
        return _confirmed(self.request, user=confirmed)


class EmailVerifyResendView(FormView):
    """Send the verification message again (throttled; the same answer whether or not
    the address has an account waiting)."""

    form_class = forms.VerificationResendForm
    template_name = "accounts/email_verify_resend.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        known = _signed_in(self.request) is not None or address_cookie_read(
            self.request
        )
        return {**super().get_form_kwargs(), "address_known": bool(known)}

    def form_valid(self, form: forms.VerificationResendForm) -> HttpResponse:
        user = _signed_in(self.request)
        address = address_cookie_read(self.request) or form.cleaned_data.get(
            "email", ""
        )
        verification.email_verification_resend(
            client=client_bucket(self.request), email=address, user=user
        )
        messages.success(
            self.request,
            _(
                "If an address is waiting to be confirmed, a new message is on its "
                "way. Open its link or type its code here."
            ),
        )
        response = redirect("email_verify")
        if user is None and address:
            address_cookie_set(response, email=address)
        return response
