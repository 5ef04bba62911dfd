"""A session engine whose cookie is a JWT access token (the ``jwt`` strategy).

The session key is the access token. Its signature and ``exp`` are checked here; the
session data (sign-in time, last seen, IP, device) and whether the sign-in still lives
come from the user's token record, read with one HGETALL that also yields the user
(``accounts.tokens.records.token_sign_in``), so a page view reads no session store. Saving a
signed-in session rewrites its field in that record; signing in (or ``cycle_key``, as a
password change does) issues a new refresh token, whose jti names the sign-in, and a new
access token. When the access token has expired, the refresh cookie renews both
(rotation: the old refresh token is used up). Anonymous data, which this site barely
keeps, stays in a signed cookie as with Django's ``signed_cookies`` engine.
"""

from __future__ import annotations

from typing import Any, TypeGuard

from django.conf import settings
from django.contrib.sessions.backends import signed_cookies
from django.http import HttpRequest, HttpResponse

from accounts.sessions.strategies.jwt.sign_ins import SIGN_IN_RULES
from accounts.tokens import claims, cookies, issue, records, revocation
from accounts.tokens.errors import RefreshTokenAlreadyUsed, TokenRejected

AUTH_KEYS = ("_auth_user_id", "_auth_user_backend", "_auth_user_hash")
# Under this strategy every page renews the access token from the refresh cookie.
REFRESH_COOKIE_PATH = "/"


def _is_token(key: str | None) -> TypeGuard[str]:
    return key is not None and key.count(".") == 2


def _refresh_cookie_name() -> str:
    return cookies.refresh_cookie_name()


class SessionStore(signed_cookies.SessionStore):
    def __init__(self, session_key: str | None = None) -> None:
        super().__init__(session_key)
        #: The signed-in user, built from the token record (no database query).
        self.user: Any = None
        #: The jti of the sign-in's refresh token: the key of its index entry.
        self.sid: str | None = None
        self.user_id: int | None = None
        self.access_sent: str | None = None
        self.refresh_sent: str | None = None
        self._refresh_cookie = False
        self.refresh_issued: str | None = None
        self._renew = False

    @classmethod
    def from_request(cls, request: HttpRequest) -> SessionStore:
        store = cls(request.COOKIES.get(settings.SESSION_COOKIE_NAME))
        store.access_sent = store.session_key
        store.refresh_sent = request.COOKIES.get(_refresh_cookie_name())
        store._refresh_cookie = store.refresh_sent is not None
        return store

    @property
    def index_key(self) -> str | None:
        """What the session index knows this session by: its sign-in, not the cookie."""
        self._get_session()
        return self.sid

    def ended_index_key(self) -> str | None:
        """The index key of the ended sign-in that this request's cookies still name,
        so that the sign-in page can say why it ended; None when signed in.

        The access cookie outlives its token: after a few minutes only its signature
        still says which sign-in it belonged to, which is all this needs.
        """
        if self._get_session().get("_auth_user_id") is not None:
            return None
        for raw in (self.access_sent, self.refresh_sent):
            sid = claims.token_sign_in_named(raw) if _is_token(raw) else None
            if sid is not None:
                return sid
        return None

    # --- reading -------------------------------------------------------------------

    def load(self) -> dict[str, Any]:
        key = self.session_key
        data = self._load_access(key) if _is_token(key) else None
        if data is None and self.refresh_sent:
            data = self._renew_from_refresh()
        if data is not None:
            return data
        if key and not _is_token(key):
            anonymous = super().load()
            return {k: v for k, v in anonymous.items() if k not in AUTH_KEYS}
        if key:
            # An ended sign-in: no key, so the response deletes the cookie.
            self._session_key = None
            self.create()
        return {}

    def _get_session(self, no_load: bool = False) -> dict[str, Any]:
        # Django skips load() without a session key; a refresh cookie alone (the
        # browser dropped the access cookie) still signs the browser in.
        if (
            self.session_key is None
            and self.refresh_sent
            and not no_load
            and not hasattr(self, "_session_cache")
        ):
            self._session_cache = self.load()
        # django-stubs leaves SessionBase._get_session out of its SessionBase.
        return super()._get_session(no_load)  # type: ignore[misc]

    _session = property(_get_session)

    def _load_access(self, key: str) -> dict[str, Any] | None:
        try:
            access = claims.access_token_read(key)
            # SessionTimeoutMiddleware ends a timed-out sign-in, and records why.
            user, sign_in = records.token_sign_in(
                payload=access.payload, sign_ins=SIGN_IN_RULES, timeouts=False
            )
        except TokenRejected:
            return None
        return self._signed_in(user, str(access.get("sid")), sign_in)

    def _renew_from_refresh(self) -> dict[str, Any] | None:
        if self.refresh_sent is None:
            return None
        try:
            rotation = issue.refresh_rotate(
                raw=self.refresh_sent, sign_ins=SIGN_IN_RULES
            )
        except RefreshTokenAlreadyUsed:
            # Two tabs renewing at once: one wins the refresh token, and the other's
            # answer must not delete the cookie that the winner's answer sets.
            self._refresh_cookie = False
            return None
        except TokenRejected:
            return None
        self._session_key = rotation.pair.access
        self.refresh_issued = rotation.pair.refresh
        self.modified = True
        return self._signed_in(rotation.user, rotation.pair.sid, rotation.sign_in)

    def _signed_in(self, user: Any, sid: str, data: Any) -> dict[str, Any]:
        self.user, self.sid, self.user_id = user, sid, user.pk
        return {**(data or {}), "_auth_user_id": str(user.pk)}

    def exists(self, session_key: str | None = None) -> bool:
        """Whether ``session_key`` (an access token) belongs to a live sign-in."""
        if not _is_token(session_key):
            return False
        return self.__class__(session_key)._load_access(session_key) is not None

    # --- writing -------------------------------------------------------------------

    def save(self, must_create: bool = False) -> None:
        data = self._get_session(no_load=must_create)
        user_id = data.get("_auth_user_id")
        if user_id is None:
            self.sid = None
            super().save(must_create)
            return
        if self.sid is None or self._renew:
            self.sid = self._issue(int(user_id))
        # The user is the record's own, and the token (not Django's backend path and
        # password hash) authenticates the request: those keys are not recorded.
        recorded = {k: v for k, v in data.items() if k not in AUTH_KEYS}
        records.sign_in_record(user_id=int(user_id), sid=self.sid, data=recorded)
        self.modified = True

    def _issue(self, user_id: int) -> str:
        pair = issue.token_pair_issue(user_id=user_id)
        self.sid, self.user_id = pair.sid, user_id
        self._get_session()[records.ISSUED_KEY] = pair.issued
        self._session_key = pair.access
        self.refresh_issued = pair.refresh
        self._renew = False
        return pair.sid

    def cycle_key(self) -> None:
        """A new sign-in for the same data (login, password change); the old one ends."""
        data = self._get_session()
        old_sid = self.sid
        if data.get("_auth_user_id") is None:
            super().cycle_key()
            return
        self._renew = True
        self.save()
        if old_sid and old_sid != self.sid:
            self._end(int(data["_auth_user_id"]), old_sid)

    def delete(self, session_key: str | None = None) -> None:
        """End a sign-in: this one, the one of an access token, or a jti (index)."""
        if session_key is None:
            # flush() clears the data first: the sign-in is known by sid and user_id.
            if self.sid and self.user_id:
                self._end(self.user_id, self.sid)
            self.sid = self.user_id = None
            super().delete()
            return
        if _is_token(session_key):
            other = self.__class__(session_key)
            if other.load() and other.sid:
                self._end(other.user.pk, other.sid)
            return
        # A bare jti, from the index: the index forgets it from the record itself.
        revocation.refresh_token_revoke(jti=session_key, sign_ins=True)

    @staticmethod
    def _end(user_id: int, sid: str) -> None:
        records.sign_ins_forget(user_id=user_id, sids=[sid])
        revocation.refresh_token_revoke(jti=sid, sign_ins=True)

    # --- the response --------------------------------------------------------------

    def response_finish(self, response: HttpResponse) -> None:
        """Set the refresh cookie of newly issued tokens; clear it when signed out."""
        name = _refresh_cookie_name()
        if self.refresh_issued and self.sid:
            browser_only = self.get_expire_at_browser_close()
            response.set_cookie(
                name,
                self.refresh_issued,
                max_age=None if browser_only else settings.JWT_REFRESH_TOKEN_LIFETIME,
                path=REFRESH_COOKIE_PATH,
                httponly=True,
                samesite="Lax",
                secure=cookies.cookies_secure(),
            )
        elif self._refresh_cookie and self.accessed and not self.sid:
            response.delete_cookie(name, path=REFRESH_COOKIE_PATH, samesite="Lax")
