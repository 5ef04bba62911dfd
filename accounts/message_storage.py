"""Flash messages in a cookie whose name follows the session cookie's prefix rule."""

from django.conf import settings
from django.contrib.messages.storage import cookie


class CookieStorage(cookie.CookieStorage):
    """Django's cookie storage, named ``__Host-messages`` when cookies are Secure.

    The ``__Host-`` prefix makes browsers refuse the cookie unless it is Secure, has
    Path=/ and no Domain, so a sibling subdomain cannot plant or overwrite it.
    """

    # Django's class attribute, read at call time here (the cookie flags are settings);
    # the stubs cannot take a property for an attribute.
    @property
    def cookie_name(self) -> str:  # type: ignore[override]
        return "__Host-messages" if settings.SESSION_COOKIE_SECURE else "messages"
