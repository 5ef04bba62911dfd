"""AUTHSITE_MFA_REQUIRED: a covered user without a second factor is sent to the
factors page from every page but those needed to add one (or to leave)."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse

from accounts.mfa import selectors
from accounts.models import User
from accounts.sessions import metadata

#: URL names a user without the required factor may still open.
ALLOWED_NAMES = ("logout", "set_language", "set_theme", "reauthenticate")


class MfaRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._must_enrol(request):
            return redirect("mfa")
        return self.get_response(request)

    def _must_enrol(self, request: HttpRequest) -> bool:
        user = getattr(request, "user", None)
        if not isinstance(user, User) or not selectors.mfa_required_for(user=user):
            return False
        # A session signed in with a second factor needs no look at the database.
        if "mfa" in metadata.sign_in_amr(request.session):
            return False
        if self._allowed(request.path):
            return False
        return not selectors.mfa_enabled(user=user)

    @staticmethod
    def _allowed(path: str) -> bool:
        if path.startswith((reverse("mfa"), "/api/", str(settings.STATIC_URL))):
            return True
        for name in ALLOWED_NAMES:
            try:
                if path == reverse(name):
                    return True
            except NoReverseMatch:  # a page this site does not have
                continue
        return False
