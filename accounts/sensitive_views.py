"""Pages of the sensitive actions: re-authentication, and deleting the account."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView

from accounts import forms, selectors
from accounts.decorators import reauthentication_required
from accounts.reauthentication import reauthentication_mark
from accounts.services import users
from accounts.views import safe_next


@method_decorator(sensitive_post_parameters("password"), name="dispatch")
class ReauthenticateView(LoginRequiredMixin, FormView):
    """Ask for the password again; then back to ``next`` (a page of this site).

    Always shows its form, even to a sign-in that is still recent: whoever comes here
    means to prove it is still them."""

    form_class = forms.ReauthenticationForm
    template_name = "accounts/reauthenticate.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        # The database row: the signed-in user may be a snapshot without the hash.
        user = selectors.user_for_update(user=self.request.user)
        return {**super().get_form_kwargs(), "user": user}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(next=safe_next(self.request) or "", **kwargs)

    def form_valid(self, form: forms.ReauthenticationForm) -> HttpResponse:
        reauthentication_mark(request=self.request)
        return redirect(safe_next(self.request) or "home")


@method_decorator(reauthentication_required, name="dispatch")
class AccountDeleteView(LoginRequiredMixin, FormView):
    """Delete the account: every session and token ends, the user row goes."""

    form_class = forms.AccountDeleteForm
    template_name = "accounts/delete.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form: forms.AccountDeleteForm) -> HttpResponse:
        user = selectors.user_for_update(user=self.request.user)
        users.user_delete(user=user)
        # This browser's session ended with the others (no sign-out signal: there is
        # no user left to record it for); start it afresh, which clears the cookie.
        self.request.session.flush()
        messages.success(self.request, _("Your account was deleted."))
        return redirect("home")
