from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import View
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView, TemplateView

from accounts import forms, selectors, services


def home(request):
    return render(request, "home.html")


def _safe_next(request) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@method_decorator(sensitive_post_parameters("password1", "password2"), name="dispatch")
class SignupView(FormView):
    form_class = forms.SignupForm
    template_name = "accounts/signup.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("home")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        user = services.user_register(
            username=form.cleaned_data["username"],
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
        )
        login(self.request, user, backend="accounts.backends.UsernameOrEmailBackend")
        messages.success(
            self.request,
            _("Welcome, %(name)s. Your account is ready.") % {"name": user.username},
        )
        return redirect(_safe_next(self.request) or "home")

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=_safe_next(self.request) or "", **kwargs)


class LoginView(auth_views.LoginView):
    form_class = forms.LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        if not form.cleaned_data.get("remember_me"):
            # A cookie that ends when the browser closes.
            self.request.session.set_expiry(0)
        return response


class ProfileView(LoginRequiredMixin, FormView):
    form_class = forms.ProfileForm
    template_name = "accounts/profile.html"
    success_url = reverse_lazy("profile")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.request.user}

    def form_valid(self, form):
        services.user_profile_update(user=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("Your profile was saved."))
        return super().form_valid(form)


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = forms.PasswordChangeForm
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        old_key = self.request.session.session_key
        response = super().form_valid(form)  # saves, renews this session's key
        services.session_password_changed(
            request=self.request, user=form.user, old_key=old_key
        )
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = forms.SetPasswordForm
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.sessions_end_after_password_reset(user=form.user)
        return response


class SessionsView(LoginRequiredMixin, TemplateView):
    """The signed-in user's live sessions and recent sign-in activity."""

    template_name = "accounts/sessions.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            sessions=selectors.sessions_for_user(
                user=user, current_session=self.request.session
            ),
            revocable=selectors.sessions_revocable(),
            revocation_limits=selectors.sessions_revocation_limits(),
            events=selectors.auth_events_for_user(user=user),
            **kwargs,
        )


class SessionRevokeView(LoginRequiredMixin, View):
    """POST ``session_id``: end one of the user's other sessions."""

    http_method_names = ["post"]

    def post(self, request):
        session_id = request.POST.get("session_id", "")[:64]
        if services.session_revoke(user=request.user, session_id=session_id):
            messages.success(request, _("That session was signed out."))
        else:
            messages.error(
                request, _("That session had already ended; nothing was changed.")
            )
        return redirect("sessions")


class SessionsRevokeOthersView(LoginRequiredMixin, View):
    """POST: end every session of the user except this one."""

    http_method_names = ["post"]

    def post(self, request):
        ended = services.sessions_revoke_all(
            user=request.user, keep_session_key=request.session.session_key
        )
        messages.success(
            request,
            ngettext(
                "%(count)d other session was signed out.",
                "%(count)d other sessions were signed out.",
                ended,
            )
            % {"count": ended},
        )
        return redirect("sessions")
