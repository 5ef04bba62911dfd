"""A person's language, theme and time zone: kept on the account when signed in, in cookies else.

A signed-in user's stored choice wins over the cookie and the browser's
Accept-Language, on every device they sign in on; the device then keeps it in its
cookie, so that the pages stay in that language and theme after signing out.
"""

import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from accounts.models import Theme

THEME_COOKIE_AGE = 365 * 24 * 3600


def theme_cookie_name() -> str:
    """``__Host-theme`` when cookies are Secure, as for the session cookie."""
    return "__Host-theme" if settings.SESSION_COOKIE_SECURE else "theme"


def theme_from_cookie(request: HttpRequest) -> str:
    value = request.COOKIES.get(theme_cookie_name(), "")
    return value if value in Theme.values else Theme.AUTO


def language_cookie_set(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        # django-stubs types the setting as str; Django checks its value.
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]
    )


def theme_cookie_set(response: HttpResponse, theme: str) -> None:
    # Read by no script: the server writes the theme into the page.
    response.set_cookie(
        theme_cookie_name(),
        theme,
        max_age=THEME_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def time_zone_activate(name: str) -> None:
    """Show times in the zone ``name`` for this request; UTC when empty or unknown.

    Always set, never left from a previous request that the same thread served.
    """
    if not name:
        timezone.deactivate()
        return
    try:
        timezone.activate(zoneinfo.ZoneInfo(name))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        timezone.deactivate()


class PreferencesMiddleware:
    """Apply the signed-in user's language and time zone and set ``request.theme``.

    Placed after the session timeout check, so that a session store that is down has
    already answered 503 before ``request.user`` is read here.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        language = ""
        theme = theme_from_cookie(request)
        if user.is_authenticated:
            language = getattr(user, "language", "")
            # The account's theme, once chosen, wins over this device's cookie.
            theme = getattr(user, "theme", "") or theme
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = translation.get_language()
        time_zone_activate(
            getattr(user, "time_zone", "") if user.is_authenticated else ""
        )
        # HttpRequest declares no ``theme``: this middleware adds it for base.html.
        request.theme = theme  # type: ignore[attr-defined]
        response = self.get_response(request)
        self.device_remember(request, response)
        return response

    @staticmethod
    def device_remember(request: HttpRequest, response: HttpResponse) -> None:
        """Copy the account's choices into this device's cookies, when they differ.

        A response that sets a cookie itself (the switchers) is left as it is.
        """
        user = request.user
        if not user.is_authenticated:
            return
        wanted = (
            (
                settings.LANGUAGE_COOKIE_NAME,
                getattr(user, "language", ""),
                language_cookie_set,
            ),
            (theme_cookie_name(), getattr(user, "theme", ""), theme_cookie_set),
        )
        for name, value, cookie_set in wanted:
            if (
                value
                and request.COOKIES.get(name) != value
                and name not in response.cookies
            ):
                cookie_set(response, value)
