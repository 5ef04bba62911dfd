"""Token sign-ins as sessions: the live ones in each user's Redis record (``jwt``).

Under a strategy whose ``tokens_are_sessions`` is set, every refresh token is a session.
Its data (sign-in time, last seen, IP, device, remember-me: the keys a browser session
keeps) sits in the user's token record, the hash that ``accounts.api.users`` reads with
one HGETALL for every token use, as the field ``s:<jti of the refresh token>``. Access
tokens name that jti in ``sid``, so the same read says whether the sign-in still lives:
ending a session is one HDEL, seen by the next request on any server.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django_redis import get_redis_connection

from accounts.sessions import metadata
from accounts.sessions.registry import strategy_active

FIELD_PREFIX = "s:"
#: When the sign-in's current refresh token was issued (its ``iat``): a sign-in from
#: before the user's "valid after" time is refused, so lists leave it out.
ISSUED_KEY = "_ti"
# Session data that is not kept in the record: the user is the record's own, and the
# token (not Django's backend path and password hash) authenticates the request.
_NOT_RECORDED = ("_auth_user_id", "_auth_user_backend", "_auth_user_hash")


def tokens_are_sessions() -> bool:
    """Whether the active strategy treats each refresh token as a session."""
    return strategy_active().tokens_are_sessions


def record_ttl() -> int:
    """How long a user's record may live unread: as long as a sign-in may last."""
    return max(
        settings.AUTHSITE_SESSION_ABSOLUTE_TIMEOUT, settings.JWT_REFRESH_TOKEN_LIFETIME
    )


def _client() -> Any:
    return get_redis_connection("default")


def _key(user_id: int) -> str:
    from accounts.api.users import snapshot_key

    return snapshot_key(user_id)


def sessions_from_fields(fields: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """The sign-ins in a record read with HGETALL (decoded), by refresh-token jti."""
    found = {}
    for name, value in fields.items():
        if name.startswith(FIELD_PREFIX):
            try:
                found[name[len(FIELD_PREFIX) :]] = json.loads(value)
            except ValueError:
                continue
    return found


def session_live(data: Mapping[str, Any] | None, *, now: float | None = None) -> bool:
    """Whether a recorded sign-in is within its idle and absolute timeouts."""
    if data is None:
        return False
    return metadata.session_expires(data) > (now or time.time())


def session_record(*, user_id: int, sid: str, data: Mapping[str, Any]) -> None:
    """Write (or rewrite) the data of sign-in ``sid``: one round trip."""
    value = {k: v for k, v in data.items() if k not in _NOT_RECORDED}
    pipe = _client().pipeline(transaction=False)
    pipe.hset(
        _key(user_id), FIELD_PREFIX + sid, json.dumps(value, separators=(",", ":"))
    )
    pipe.expire(_key(user_id), record_ttl())
    pipe.execute()


def session_start_data(*, ip: str, user_agent: str, now: int | None = None) -> dict:
    """The record of a new API sign-in (a browser sign-in records its session data)."""
    now = now or int(time.time())
    return {
        "_t0": now,
        "_ts": now,
        metadata.IP_KEY: ip,
        metadata.DEVICE_KEY: metadata.device_name(user_agent),
    }


def session_rotate(
    *, user_id: int, old: str, new: str, issued: float
) -> dict[str, Any] | None:
    """Move sign-in ``old`` to the refresh token ``new`` (issued at ``issued``) that
    replaced it, marking it seen now; return its data (None when it had ended: nothing
    is written then)."""
    from accounts.sessions import timeouts

    key = _key(user_id)
    raw = _client().hget(key, FIELD_PREFIX + old)
    if raw is None:
        return None
    data = json.loads(raw)
    data[timeouts.SEEN_KEY] = int(time.time())
    data[ISSUED_KEY] = issued
    pipe = _client().pipeline(transaction=True)
    pipe.hdel(key, FIELD_PREFIX + old)
    pipe.hset(key, FIELD_PREFIX + new, json.dumps(data, separators=(",", ":")))
    pipe.expire(key, record_ttl())
    pipe.execute()
    return data


def sessions_forget(*, user_id: int, sids: list[str]) -> None:
    """Drop sign-ins from the record (the tokens are refused from the next request)."""
    if sids:
        _client().hdel(_key(user_id), *(FIELD_PREFIX + sid for sid in sids))


def token_sign_in_record(
    *, user_id: int, refresh: Any, request: Any = None, replaces: str | None = None
) -> None:
    """Record an API sign-in (or its rotation to ``refresh``) when tokens are sessions."""
    if not tokens_are_sessions():
        return
    jti, issued = str(refresh["jti"]), refresh["iat"]
    if replaces is not None:
        session_rotate(user_id=user_id, old=replaces, new=jti, issued=issued)
        return
    from accounts.security.client_ip import client_ip

    data = session_start_data(
        ip=client_ip(request) if request is not None else "",
        user_agent=request.META.get("HTTP_USER_AGENT", "") if request else "",
    )
    session_record(user_id=user_id, sid=jti, data={**data, ISSUED_KEY: issued})


def sign_in_revoked(data: Mapping[str, Any], *, valid_after: float) -> bool:
    """Whether a recorded sign-in's tokens predate the user's "valid after" time."""
    issued = data.get(ISSUED_KEY)
    return isinstance(issued, int | float) and issued <= valid_after
