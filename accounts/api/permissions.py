"""Permissions of the API views."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, permissions
from rest_framework.request import Request

from accounts.reauthentication import reauthenticated_recently


class ReauthenticationRequired(exceptions.PermissionDenied):
    """403: this sign-in must confirm its password first."""

    default_code = "reauthentication_required"
    default_detail = _(
        "Confirm your password first: POST it to /api/me/reauthenticate/."
    )


class RecentlyAuthenticated(permissions.BasePermission):
    """The caller's sign-in checked its password within AUTHSITE_REAUTH_TIMEOUT
    (obtaining the token pair, or POST /api/me/reauthenticate/); else 403
    ``{"code": "reauthentication_required"}``."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        if not reauthenticated_recently(request=request):
            raise ReauthenticationRequired
        return True
