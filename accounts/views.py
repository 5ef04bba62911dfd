import logging
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, ngettext, override
from django.utils.translation import gettext_lazy as _
from django.views import i18n as i18n_views
from django.views.decorators.http import require_POST
from django.views.generic import FormView

from accounts import forms, preferences, selectors, verification
from accounts.decorators import reauthentication_required
from accounts.mfa import selectors as mfa_selectors
from accounts.mfa import sign_in
from accounts.middleware import session_end_reason
from accounts.models import AuthEvent, Theme, User
from accounts.reauthentication import reauthenticated_recently, reauthentication_mark
from accounts.security.client_ip import client_bucket
from accounts.security.rate_limits import rate_limit_spend
from accounts.services import user_sessions, users
from accounts.sessions import timeouts
from accounts.sessions.index import session_index_key
from accounts.verification_views import address_cookie_set

logger = logging.getLogger("authsite.accounts")


def home(request: HttpRequest) -> HttpResponse:
    """The account at a glance when signed in; what the site is, when not."""
    context = {}
    if request.user.is_authenticated:
        context["overview"] = selectors.account_overview(
            user=request.user, current_session=request.session
        )
    return render(request, "home.html", context)


def safe_next(request: HttpRequest) -> str | None:
    """The ``next`` of the request when it is a page of this site, else None."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


# What the sign-in page says to a browser whose session the server ended.
SIGN_OUT_REASONS = {
    AuthEvent.Kind.REVOKE: _("You were signed out from another device."),
    AuthEvent.Kind.ADMIN_REVOKE: _("A staff member ended your session."),
    AuthEvent.Kind.PASSWORD_CHANGE: _(
        "You were signed out because your password was changed on another device."
    ),
    AuthEvent.Kind.PASSWORD_RESET: _(
        "You were signed out because your password was reset."
    ),
    AuthEvent.Kind.LIMIT: _(
        "You were signed out because you signed in on more devices than the site "
        "allows; this was the session used least recently."
    ),
    timeouts.IDLE: _("You were signed out after a while without activity."),
    timeouts.ABSOLUTE: _(
        "Your session reached its longest allowed time, so you were signed out."
    ),
}


def throttled_page(request, wait: int):
    """429 with the site's page and Retry-After: too many attempts from this address."""
    minutes = max(1, -(-wait // 60))
    message = ngettext(
        "Too many attempts from your address. Try again in %(n)d minute.",
        "Too many attempts from your address. Try again in %(n)d minutes.",
        minutes,
    ) % {"n": minutes}
    response = render(
        request, "accounts/throttled.html", {"message": message}, status=429
    )
    response["Retry-After"] = str(wait)
    return response


def sign_in_throttled(view: Callable) -> Callable:
    """Count each sign-in POST per client address (AUTHSITE_THROTTLE_LOGIN_FORM),
    before any password is checked: the per-account lockout stops many guesses at
    one account, this stops one address trying many accounts."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST":
            wait = rate_limit_spend(
                scope="login",
                ident=client_bucket(request),
                rate=settings.AUTHSITE_LOGIN_FORM_RATE,
            )
            if wait:
                return throttled_page(request, wait)
        return view(request, *args, **kwargs)

    return wrapper


@method_decorator(sign_in_throttled, name="dispatch")
class LoginView(auth_views.LoginView):
    form_class = forms.LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        reason = session_end_reason(self.request)
        return super().get_context_data(
            signed_out_reason=SIGN_OUT_REASONS.get(reason or ""), **kwargs
        )

    def form_valid(self, form):
        user = form.get_user()
        if mfa_selectors.mfa_enabled(user=user):
            # The password was right; the sign-in waits for the second factor.
            users.user_time_zone_learn(
                user=user, time_zone=form.cleaned_data.get("time_zone") or ""
            )
            sign_in.mfa_sign_in_begin(
                request=self.request,
                user=user,
                remember=bool(form.cleaned_data.get("remember_me")),
                next_url=self.get_redirect_url(),
            )
            return redirect("mfa_login")
        response = super().form_valid(form)
        if not form.cleaned_data.get("remember_me"):
            # A cookie that ends when the browser closes.
            self.request.session.set_expiry(0)
        users.user_time_zone_learn(
            user=form.get_user(), time_zone=form.cleaned_data.get("time_zone") or ""
        )
        return response

    def form_invalid(self, form):
        response = super().form_invalid(form)
        unverified = (
            form.get_user()
            if form.has_error(NON_FIELD_ERRORS, "email_unverified")
            else None
        )
        if unverified is not None:
            # The password was right: this browser may ask for the message again.
            address_cookie_set(response, email=unverified.email)
        return response


class LogoutView(auth_views.LogoutView):
    """POST signs out; GET shows a page whose button sends that POST, and signs no
    one out (a link or an image must not end a session)."""

    http_method_names = ["get", "post", "options"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return render(request, "registration/logout_confirm.html")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.success(request, _("You are signed out."))
        return response


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Django's set_language (cookie, redirect to ``next``), kept on the account too."""
    response = i18n_views.set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        users.user_preferences_update(user=request.user, language=language)
    return response


@require_POST
def theme_set(request: HttpRequest) -> HttpResponse:
    """Light or dark pages (empty: as the browser prefers), for this device and the
    account when signed in."""
    theme = request.POST.get("theme", "")
    if theme not in Theme.values:
        theme = Theme.AUTO
    response = redirect(safe_next(request) or "home")
    preferences.theme_cookie_set(response, theme)
    if request.user.is_authenticated:
        users.user_preferences_update(user=request.user, theme=theme)
    return response


def signed_in_user(request: HttpRequest) -> User:
    """The user of a view behind LoginRequiredMixin (never anonymous there)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


class ProfileView(LoginRequiredMixin, FormView):
    form_class = forms.ProfileForm
    template_name = "accounts/profile.html"
    success_url = reverse_lazy("profile")

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": self.request.user,
            "reauthenticated": reauthenticated_recently(request=self.request),
        }

    def form_valid(self, form):
        user = signed_in_user(self.request)
        # The form copied the new address onto the user; it is not the address yet.
        new_email = form.cleaned_data["email"]
        users.user_profile_update(
            user=user,
            first_name=form.cleaned_data["first_name"],
            last_name=form.cleaned_data["last_name"],
            email=form.initial["email"],
            time_zone=form.cleaned_data["time_zone"],
        )
        if "email" in form.changed_data:
            if not form.reauthenticated:
                reauthentication_mark(request=self.request)  # the password was right
            try:
                verification.email_change_request(user=user, email=new_email)
            except verification.EmailAddressTaken:
                # Taken by another account since the form's check.
                form.add_error(
                    "email", _("A user with that email address already exists.")
                )
                return self.form_invalid(form)
            messages.info(
                self.request,
                _(
                    "We sent a message to %(email)s: your address changes when you "
                    "open its link."
                )
                % {"email": new_email},
            )
        messages.success(self.request, _("Your profile was saved."))
        return super().form_valid(form)


@method_decorator(reauthentication_required, name="dispatch")
class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = forms.PasswordChangeForm
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        old_key = session_index_key(self.request.session)
        response = super().form_valid(form)  # saves, renews this session's key
        user_sessions.session_password_changed(
            request=self.request, user=form.user, old_key=old_key
        )
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = forms.SetPasswordForm
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        user_sessions.sessions_end_after_password_reset(user=form.user)
        return response


class RedirectThenRun(HttpResponseRedirect):
    """A redirect that runs ``after`` once the server has sent it.

    WSGI servers call ``close()`` after the last byte of the response is written, so
    work done there does not change how long the client waits.
    """

    def __init__(self, redirect_to: str, *, after: Callable[[], None]) -> None:
        super().__init__(redirect_to)
        self._after = after

    def close(self) -> None:
        try:
            self._after()
        except Exception:
            logger.exception("deferred work after %s failed", self["Location"])
        finally:
            super().close()


class PasswordResetView(auth_views.PasswordResetView):
    def form_valid(self, form):
        # Django renders and sends the mail inside the request, only when the address
        # has an account, so the answer takes longer exactly then (user enumeration,
        # ASVS 5.0 V6.3.8). Send it after the response instead. The address is still
        # looked up here, the same query either way, so that a database outage still
        # answers 503 rather than "mail sent".
        email = form.cleaned_data["email"]
        next(iter(form.get_users(email)), None)
        # Per client address, then per target address: past either, the answer is
        # the same redirect, and no mail goes out (a mailbox is not flooded, and the
        # answer says nothing about the limits of an address).
        throttled = rate_limit_spend(
            scope="reset",
            ident=client_bucket(self.request),
            rate=settings.AUTHSITE_PASSWORD_RESET_RATE,
        ) or rate_limit_spend(
            scope="reset-address",
            ident=email.strip().lower(),
            rate=settings.AUTHSITE_PASSWORD_RESET_ADDRESS_RATE,
        )
        if throttled:
            return HttpResponseRedirect(str(self.get_success_url()))
        # Links from the configured address, never from the request's Host header
        # (which the client writes): a reset link must not point anywhere else.
        site = urlsplit(settings.AUTHSITE_SITE_URL)
        opts = {
            "domain_override": site.netloc,
            "use_https": site.scheme == "https",
            "token_generator": self.token_generator,
            "from_email": self.from_email,
            "email_template_name": self.email_template_name,
            "subject_template_name": self.subject_template_name,
            "request": self.request,
            "html_email_template_name": self.html_email_template_name,
            "extra_email_context": self.extra_email_context,
        }
        # The mail goes out after the response: in the language of the page that
        # asked for it, whatever the thread serves by then.
        language = get_language()

        def send() -> None:
            with override(language):
                form.save(**opts)

        return RedirectThenRun(str(self.get_success_url()), after=send)
