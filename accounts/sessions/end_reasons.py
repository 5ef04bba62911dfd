"""Why the server ended a session, kept for a short while in the session store.

The sign-in page reads it back from the session key the browser still sends, so that
a person signed out by the server learns why. It is written where a session is ended
(the index's revoke path, the timeout check) and never put in a cookie: a cookie could
be forged to show a false reason, and the reason would outlive the session in the
browser.
"""

from __future__ import annotations

from django.core.cache import caches
from django.utils.crypto import salted_hmac

# Long enough to reach the sign-in page after the next request; short enough that the
# store keeps no trace of ended sessions.
REASON_TTL_SECONDS = 15 * 60
KEY_SALT = "accounts.sessions.end_reasons"
REASON_FIELD = "ended"
#: The anonymous session's field that holds a ``reason_reference`` (signed cookies).
REFERENCE_SESSION_KEY = "_authsite_ended"


def reason_reference(*, session_key: str) -> str:
    """A name for the reason kept for ``session_key`` that reveals nothing of the key.

    Under ``signed_cookies`` the cookie is the session itself and is deleted when the
    session ends, so the new, anonymous cookie carries this reference instead: the
    reason stays in the store.
    """
    # A digest, not the session key: listing the store shows no usable key.
    return salted_hmac(KEY_SALT, session_key, algorithm="sha256").hexdigest()[:32]


def _key(session_key: str) -> str:
    return _store_key(reason_reference(session_key=session_key))


def _store_key(reference: str) -> str:
    return f"authsite:ended:{reference}"


def reason_keep(*, session_key: str, reason: str) -> None:
    """Remember for a while why the session ``session_key`` was ended."""
    if session_key and reason:
        # A dict: the sessions alias may hold nothing else (its codec stores
        # session-shaped JSON and never unpickles).
        caches["sessions"].set(
            _key(session_key), {REASON_FIELD: reason}, timeout=REASON_TTL_SECONDS
        )


def reason_of(*, session_key: str) -> str | None:
    """Why the session ``session_key`` was ended, if the server ended it lately."""
    if not session_key:
        return None
    return reason_of_reference(reference=reason_reference(session_key=session_key))


def reason_of_reference(*, reference: str) -> str | None:
    """Why the session that ``reference`` (see ``reason_reference``) names was ended."""
    if not reference:
        return None
    value = caches["sessions"].get(_store_key(reference))
    reason = value.get(REASON_FIELD) if isinstance(value, dict) else None
    return reason if isinstance(reason, str) else None


def reason_forget(*, session_key: str) -> None:
    """Drop the reason once it has been shown or a new sign-in replaced the session."""
    if session_key:
        caches["sessions"].delete(_key(session_key))
