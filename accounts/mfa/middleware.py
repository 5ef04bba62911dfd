"""AUTHSITE_MFA_REQUIRED: a covered user without a second factor is sent to the
factors page from every page but those needed to add one (or to leave), whatever
session they browse with and however their last factor went."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse

from accounts.mfa import selectors
from accounts.models import User

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
        # The user's flag, not how this session signed in: a factor removed from
        # anywhere (another session, the API, staff) counts on every session's next
        # page. It comes with the user snapshot cached beside the session, so a
        # covered user's page reads no database row for it.
        if user.has_second_factor:
            return False
        return not self._allowed(request.path)

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
