"""The signup page: an account, then (under mandatory email verification) the page
that asks for the code, whether the address was new or already had an account."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView

from accounts import forms, verification
from accounts.security.client_ip import client_bucket
from accounts.security.rate_limits import rate_limit_spend
from accounts.services import users
from accounts.verification_views import address_cookie_set
from accounts.views import safe_next


@method_decorator(sensitive_post_parameters("password1", "password2"), name="dispatch")
class SignupView(FormView):
    form_class = forms.SignupForm
    template_name = "accounts/signup.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("home")
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        # The form says when a username or email address is taken, so each attempt
        # can test one address: a per-address limit makes that slow (docs/security.md,
        # known gaps). Counted before validation, so a refused attempt asks nothing of the
        # database and its answer says nothing about the address.
        wait = rate_limit_spend(
            scope="signup",
            ident=client_bucket(request),
            rate=settings.AUTHSITE_SIGNUP_FORM_RATE,
        )
        if wait:
            return self.throttled(wait)
        return super().post(request, *args, **kwargs)

    def throttled(self, wait: int):
        """429: the form again, unvalidated, with the typed names kept and a message."""
        minutes = max(1, -(-wait // 60))
        message = ngettext(
            "Too many sign-up attempts from your address. Try again in %(n)d minute.",
            "Too many sign-up attempts from your address. Try again in %(n)d minutes.",
            minutes,
        ) % {"n": minutes}
        form = self.get_form_class()(
            initial={
                "username": self.request.POST.get("username", "")[:150],
                "email": self.request.POST.get("email", "")[:254],
            }
        )
        response = self.render_to_response(
            self.get_context_data(form=form, throttled=message), status=429
        )
        response["Retry-After"] = str(wait)
        return response

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        if getattr(form, "email_taken", False):
            # Mandatory verification: the owner hears of it by mail, and the page
            # answers as for a new address.
            verification.signup_address_taken_notify(
                email=email,
                password=form.cleaned_data["password1"],
                client=client_bucket(self.request),
            )
            return self.verification_sent(email)
        try:
            user = users.user_register(
                username=form.cleaned_data["username"],
                email=email,
                password=form.cleaned_data["password1"],
                # The language the account was made in, until the user picks another.
                language=get_language() or "",
            )
        except ValidationError as exc:
            # Another signup took the name or the address since the form's checks.
            form.add_error(None, exc)
            return self.form_invalid(form)
        users.user_time_zone_learn(
            user=user, time_zone=form.cleaned_data.get("time_zone") or ""
        )
        if verification.verification_mandatory():
            return self.verification_sent(email)
        login(self.request, user, backend="accounts.backends.UsernameOrEmailBackend")
        if not form.cleaned_data.get("remember_me"):
            # A cookie that ends when the browser closes, as for a sign-in.
            self.request.session.set_expiry(0)
        messages.success(
            self.request,
            _("Welcome, %(name)s. Your account is ready.") % {"name": user.username},
        )
        return redirect(safe_next(self.request) or "home")

    def verification_sent(self, email: str) -> HttpResponse:
        """Not signed in: the code page, which this browser knows the address for."""
        messages.success(
            self.request,
            _("Almost done: we sent a message to %(email)s to confirm the address.")
            % {"email": email},
        )
        response = redirect("email_verify")
        address_cookie_set(response, email=email)
        return response

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=safe_next(self.request) or "", **kwargs)
