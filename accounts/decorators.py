"""View decorators of the pages."""

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.reauthentication import reauthenticated_recently


def _return_to(request: HttpRequest) -> str:
    """Where to come back after re-authenticating: the page itself for a GET; for a
    form post (whose URL answers POST only), the page the form was on."""
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    referer = request.headers.get("referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.path


def reauthentication_required(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """Let a signed-in user through only when the password was checked within
    AUTHSITE_REAUTH_TIMEOUT; otherwise redirect to the re-authentication page, which
    comes back here. Anonymous users go to the sign-in page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not reauthenticated_recently(request=request):
            query = urlencode({"next": _return_to(request)})
            return HttpResponseRedirect(f"{reverse('reauthenticate')}?{query}")
        return view(request, *args, **kwargs)

    return wrapper
