import time
from importlib import import_module

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.middleware import (
    SessionMiddleware as DjangoSessionMiddleware,
)
from django.utils.cache import patch_cache_control
from django.utils.functional import SimpleLazyObject

from accounts.models import AuthEvent
from accounts.receivers import END_KIND_ATTRIBUTE
from accounts.selectors import (
    session_user,
    signed_cookie_end_reason,
    user_for_update,
)
from accounts.sessions import end_reasons, timeouts
from accounts.sessions.index import index_key_of, index_touch, session_index_key
from accounts.sessions.registry import strategy_active
from accounts.unavailable import SERVICE_ERRORS, service_unavailable_response


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on what a shared or browser cache must not keep.

    Every page answered to a signed-in user (OWASP ASVS 5.0 V14.3.2: a proxy or the
    back button must not show one user's page to the next), and every API answer that
    has not set its own caching (tokens, the user's data, errors): the public JWKS
    says ``public`` itself.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith("/api/"):
            if not response.has_header("Cache-Control"):
                patch_cache_control(response, no_store=True)
        elif self._signed_in(request):
            patch_cache_control(response, no_store=True, private=True)
        return response

    @staticmethod
    def _signed_in(request) -> bool:
        # Only a user the request already looked up: reading it here would load the
        # session of every anonymous request (and fail outside the 503 handling).
        user = request.__dict__.get("user")
        if isinstance(user, SimpleLazyObject):
            user = getattr(user, "_wrapped", None)
        return bool(getattr(user, "is_authenticated", False))


class ServiceUnavailableMiddleware:
    """Turn a lost connection to the session store or database, raised in a view, into a 503."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, SERVICE_ERRORS):
            return service_unavailable_response(request, exception)
        return None


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's session middleware, answering 503 when the session cannot be saved.

    The engine is looked up on each request rather than once at start-up, so that a
    server already running (the browser tests' live server) follows a change of
    SESSION_ENGINE, as every other reader of the session settings does.

    An engine may open its session from the whole request (``from_request``: the jwt
    engine also reads the refresh cookie) and add to the response
    (``response_finish``: the refresh cookie).
    """

    @property
    def SessionStore(self):
        return import_module(settings.SESSION_ENGINE).SessionStore

    @SessionStore.setter
    def SessionStore(self, engine_store) -> None:
        # Django's __init__ assigns the engine of the moment; it is read per request.
        pass

    def process_request(self, request):
        opener = getattr(self.SessionStore, "from_request", None)
        if opener is None:
            return super().process_request(request)
        request.session = opener(request)
        return None

    def process_response(self, request, response):
        try:
            # A 503 means the store already failed on this request: asking it again
            # would fail again and log the outage twice.
            keep_cookie = (
                response.status_code != 503 and session_end_reason(request) is not None
            )
            if response.status_code != 503 and not strategy_active().server_side:
                _signed_cookie_end_refer(request)
            response = super().process_response(request, response)
            name = settings.SESSION_COOKIE_NAME
            if keep_cookie and name in response.cookies:
                # Django deletes the cookie of an empty session; this one names the
                # ended session whose reason the sign-in page shows, so it stays
                # until that reason runs out of the store.
                del response.cookies[name]
            finish = getattr(getattr(request, "session", None), "response_finish", None)
            if finish is not None:
                finish(response)
            return response
        except SERVICE_ERRORS as exc:
            return service_unavailable_response(request, exc)


END_REASON_ATTRIBUTE = "authsite_session_end_reason"


def _signed_cookie_end_refer(request) -> None:
    # A signed cookie is its own session: the one this request ended is deleted with
    # the answer (keeping it would keep its data). Its reason goes to the store, and
    # the new anonymous session names it by reference, for the sign-in page.
    cookie = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    session = getattr(request, "session", None)
    if (
        not cookie
        or session is None
        or not session.accessed
        or session.get("_auth_user_id") is not None
        or session.get(end_reasons.REFERENCE_SESSION_KEY)
    ):
        return
    reason = signed_cookie_end_reason(cookie=cookie)
    if reason is not None:
        end_reasons.reason_keep(session_key=cookie, reason=reason)
        session[end_reasons.REFERENCE_SESSION_KEY] = end_reasons.reason_reference(
            session_key=cookie
        )


def session_end_reason(request) -> str | None:
    """Why the server ended the session this request's cookie names; None when it did
    not, or when the request is signed in. Looked up once per request."""
    if hasattr(request, END_REASON_ATTRIBUTE):
        return getattr(request, END_REASON_ATTRIBUTE)
    reason = None
    cookie = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    session = getattr(request, "session", None)
    # A signed cookie is its own session: keeping it would keep its data.
    if session is not None and session.get("_auth_user_id") is None:
        reference = session.get(end_reasons.REFERENCE_SESSION_KEY)
        if reference:
            reason = end_reasons.reason_of_reference(reference=reference)
    if (
        reason is None
        and cookie
        and session is not None
        and strategy_active().server_side
        and session.get("_auth_user_id") is None
    ):
        # An engine whose cookie does not name its index entry says which it was.
        ended_key = getattr(session, "ended_index_key", None)
        key = ended_key() if ended_key is not None else index_key_of(cookie) or cookie
        reason = end_reasons.reason_of(session_key=key or "")
    setattr(request, END_REASON_ATTRIBUTE, reason)
    return reason


class SessionUserMiddleware:
    """Take ``request.user`` from a session that carries it: no database query.

    The jwt engine builds the user from the token record it reads anyway; the cache
    engines return the user's snapshot with the session, the db engines its row
    (``selectors.session_user``). A snapshot user cannot be saved, so unsafe requests
    (forms that change the account) get the database row instead. Other engines leave
    Django's AuthenticationMiddleware be.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if hasattr(session, "from_request"):
            request.user = SimpleLazyObject(lambda: self.session_user(request))
        elif getattr(session, "carries_user", False):
            request.user = SimpleLazyObject(lambda: self.snapshot_user(request))
        return self.get_response(request)

    @staticmethod
    def snapshot_user(request):
        user = session_user(request=request)
        if request.method in ("GET", "HEAD", "OPTIONS", "TRACE") or not getattr(
            user, "_token_snapshot", False
        ):
            return user
        return user_for_update(user=user)

    @staticmethod
    def session_user(request):
        session = request.session
        if session.get("_auth_user_id") is None or session.user is None:
            return AnonymousUser()
        if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
            return session.user
        return user_for_update(user=session.user)


class SessionTimeoutMiddleware:
    """End signed-in sessions past their idle or absolute timeout, on the server.

    The idle clock is written back at most once per AUTHSITE_SESSION_TOUCH_INTERVAL, so a
    page view in between reads the store once and writes nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            signed_in = request.user.is_authenticated
        except SERVICE_ERRORS as exc:
            return service_unavailable_response(request, exc)
        if signed_in:
            try:
                self.session_check(request)
            except SERVICE_ERRORS as exc:
                return service_unavailable_response(request, exc)
        return self.get_response(request)

    def session_check(self, request) -> None:
        now = int(time.time())
        timeout = timeouts.session_timeout(request.session, now=now)
        if timeout is not None:
            # Kept under the key the browser still sends, for the sign-in page.
            end_reasons.reason_keep(
                session_key=session_index_key(request.session) or "", reason=timeout
            )
            setattr(request, END_KIND_ATTRIBUTE, AuthEvent.Kind.EXPIRED)
            logout(request)
        elif (
            now - timeouts.last_seen(request.session)
            >= settings.AUTHSITE_SESSION_TOUCH_INTERVAL
        ):
            timeouts.session_touch(request.session, now=now)
            # Same interval: the index's expiry moves with the idle clock.
            index_touch(session=request.session)


class ContentSecurityPolicyMiddleware:
    """Send AUTHSITE_CONTENT_SECURITY_POLICY with every response.

    The site's pages and Django's admin load scripts and styles only from the site
    itself, so one global policy fits all (OWASP ASVS 5.0 V3.4.3, V3.4.6). Placed
    first in MIDDLEWARE so that redirects and 503 pages made by later middleware get it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.AUTHSITE_CONTENT_SECURITY_POLICY
        # Django's DEBUG error pages style themselves inline; leave them readable.
        debug_page = settings.DEBUG and response.status_code in (404, 500)
        if policy and not debug_page:
            response.headers.setdefault("Content-Security-Policy", policy)
        return response
