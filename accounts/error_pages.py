"""Error pages in the site's layout: 400, 403 (CSRF failure too), 404, 405, 429, 500.

Named in authsite/urls.py (handler400...), CSRF_FAILURE_VIEW and
AXES_LOCKOUT_CALLABLE. Under /api/ the answer is JSON with a ``code``, as every other
API error. 400 and 500 are drawn without the request's context: the failure may lie
in what that context reads (the session, the user).
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.security import lockout


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _api_error(status: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code}, status=status)


def _plain_page(template_name: str, status: int) -> HttpResponse:
    html = loader.render_to_string(template_name)
    return HttpResponse(html, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _api_error(400, "bad_request", _("The request could not be understood."))
    return _plain_page("400.html", 400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _api_error(
            403, "permission_denied", _("You are not allowed to do this.")
        )
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _api_error(404, "not_found", _("There is nothing at this address."))
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return _api_error(500, "server_error", _("Something went wrong on our side."))
    return _plain_page("500.html", 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """403 for a form sent without a valid CSRF token: say what to do about it."""
    no_cookie = reason.startswith("CSRF cookie not set")
    return render(request, "403_csrf.html", {"no_cookie": no_cookie}, status=403)


def throttled_page(
    request: HttpRequest, *, wait: int, sign_in_locked: bool = False
) -> HttpResponse:
    """429 with the wait in minutes and in Retry-After; ``sign_in_locked``: failed sign-ins."""
    minutes = max(1, -(-wait // 60))
    context = {"minutes": minutes, "lockout": sign_in_locked}
    response = render(request, "429.html", context, status=429)
    response["Retry-After"] = str(wait)
    return response


def lockout_page(
    request: HttpRequest,
    original_response: HttpResponse | None,
    credentials: dict | None,
) -> HttpResponse:
    """django-axes' lockout answer: the 429 page outside the API and the sign-in form
    (the admin's sign-in), the shared answer there (JSON; the form with its error)."""
    if _is_api(request) or request.path == reverse("login"):
        return lockout.lockout_response(request, original_response, credentials)
    wait = lockout.seconds_left(request, credentials)
    return throttled_page(request, wait=wait, sign_in_locked=True)


class MethodNotAllowedPageMiddleware:
    """Give a page to the empty 405 that Django's views answer to a wrong method.

    Without a body, a browser shows its own error ("This page isn't working").
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code != 405
            or _is_api(request)
            or getattr(response, "streaming", False)
            or response.content
        ):
            return response
        page: Any = render(request, "405.html", status=405)
        if "Allow" in response:
            page["Allow"] = response["Allow"]
        return page
