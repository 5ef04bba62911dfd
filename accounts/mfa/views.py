"""Pages of the second factors: the overview, the app, recovery codes, and the second
step of a sign-in."""

from typing import Any, cast

from django.contrib import admin, messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView

from accounts.decorators import reauthentication_required
from accounts.mfa import forms, selectors, services, sign_in
from accounts.models import User
from accounts.security import lockout
from accounts.sessions import metadata


def _user(request: HttpRequest) -> User:
    # Behind login_required: the signed-in user.
    return cast(User, request.user)


class MfaOverviewView(LoginRequiredMixin, TemplateView):
    """The factors of the account: the app, recovery codes left, passkeys."""

    template_name = "mfa/overview.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = _user(self.request)
        return super().get_context_data(
            overview=selectors.mfa_overview(user=user),
            required=selectors.mfa_required_for(user=user)
            and not selectors.mfa_enabled(user=user),
            **kwargs,
        )


@method_decorator(reauthentication_required, name="dispatch")
class TotpView(LoginRequiredMixin, View):
    """Turn the authenticator app on (QR code, secret, confirming code) or off."""

    template_name = "mfa/totp.html"

    def _page(self, request: HttpRequest, form: forms.TotpConfirmForm) -> HttpResponse:
        user = _user(request)
        context: dict[str, Any] = {"form": form}
        if selectors.mfa_overview(user=user).totp_enabled:
            context["enabled"] = True
        else:
            context["enrolment"] = selectors.mfa_totp_pending(
                user=user
            ) or services.mfa_totp_begin(user=user)
        return render(request, self.template_name, context)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._page(request, forms.TotpConfirmForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        user = _user(request)
        if request.POST.get("action") == "disable":
            services.mfa_totp_disable(user=user)
            if not selectors.mfa_enabled(user=user):
                request.session[metadata.AMR_KEY] = list(metadata.PASSWORD_AMR)
            messages.success(request, _("The authenticator app is turned off."))
            return redirect("mfa")
        form = forms.TotpConfirmForm(request.POST)
        if not form.is_valid():
            return self._page(request, form)
        try:
            codes = services.mfa_totp_confirm(user=user, code=form.cleaned_data["code"])
        except services.EnrolmentMissing:
            form.add_error(None, _("That set-up ran out. Add the new key below."))
            return self._page(request, forms.TotpConfirmForm())
        except services.CodeInvalid:
            form.add_error("code", _("That code is not right. Try the current one."))
            return self._page(request, form)
        # The code just given proves the factor in this session too.
        request.session[metadata.AMR_KEY] = services.AMR_BY_METHOD[
            selectors.METHOD_TOTP
        ]
        messages.success(request, _("The authenticator app is turned on."))
        if codes:
            return render(request, "mfa/recovery_codes.html", {"codes": codes})
        return redirect("mfa")


@method_decorator(reauthentication_required, name="dispatch")
class RecoveryCodesView(LoginRequiredMixin, View):
    """How many recovery codes are left; make new ones (shown once)."""

    template_name = "mfa/recovery_codes.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        overview = selectors.mfa_overview(user=_user(request))
        return render(
            request,
            self.template_name,
            {
                "left": overview.recovery_codes_left,
                "enabled": selectors.mfa_enabled(user=_user(request)),
            },
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        user = _user(request)
        if not selectors.mfa_enabled(user=user):
            messages.error(request, _("Turn on a second factor first."))
            return redirect("mfa")
        codes = services.mfa_recovery_codes_generate(user=user)
        return render(request, self.template_name, {"codes": codes})


@login_required
@require_POST
def recovery_codes_download(request: HttpRequest) -> HttpResponse:
    """The codes just shown, as a text file to save."""
    form = forms.RecoveryCodesDownloadForm(request.POST)
    if not form.is_valid():
        return redirect("mfa_recovery_codes")
    text = _("Recovery codes for %(name)s. Each works once.") % {
        "name": request.user.get_username()
    }
    body = "\n".join([text, "", *form.cleaned_data["codes"], ""])
    response = HttpResponse(body, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="recovery-codes.txt"'
    return response


def _next_target(request: HttpRequest, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


@method_decorator(sensitive_post_parameters("code"), name="dispatch")
class LoginMfaView(FormView):
    """The second step of a sign-in: a code from the app or a recovery code."""

    form_class = forms.CodeForm
    template_name = "mfa/login.html"
    pending: sign_in.PendingSignIn

    def dispatch(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        pending = sign_in.mfa_sign_in_pending(request=request)
        if pending is None:
            messages.error(request, _("Sign in again: that sign-in ended."))
            return redirect("login")
        self.pending = pending
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(methods=self.pending.methods, **kwargs)

    def form_valid(self, form: forms.CodeForm) -> HttpResponse:
        request = self.request
        credentials = {"username": self.pending.user.get_username()}
        if lockout.is_locked(request=request, credentials=credentials):
            sign_in.mfa_sign_in_cancel(request=request)
            return lockout.lockout_response(request, None, credentials)
        target = sign_in.mfa_sign_in_next(request=request)
        try:
            sign_in.mfa_sign_in_code(request=request, code=form.cleaned_data["code"])
        except services.CodeInvalid:
            if sign_in.mfa_sign_in_pending(request=request) is None:
                messages.error(request, _("Too many wrong codes. Sign in again."))
                return redirect("login")
            form.add_error("code", _("That code is not right."))
            return self.form_invalid(form)
        except sign_in.SecondStepEnded:
            messages.error(request, _("Sign in again: that sign-in ended."))
            return redirect("login")
        return redirect(_next_target(request, target))


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin's sign-in form, with the second step for an account that has a
    factor: a password alone must not open the admin."""
    response = admin.site.login(request)
    user = request.user
    if (
        request.method == "POST"
        and isinstance(user, User)
        and "mfa" not in metadata.sign_in_amr(request.session)
        and selectors.mfa_enabled(user=user)
    ):
        backend = request.session.get("_auth_user_backend")
        target = request.POST.get("next") or reverse("admin:index")
        logout(request)
        user.backend = backend  # type: ignore[attr-defined]  # as authenticate() sets it
        sign_in.mfa_sign_in_begin(
            request=request, user=user, remember=True, next_url=target
        )
        return redirect("mfa_login")
    return response
