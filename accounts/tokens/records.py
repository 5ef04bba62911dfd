"""Each token user's record in Redis: the user snapshot and, when tokens are sessions,
the sign-ins. One HGETALL says who a token's user is, whether the token was revoked and
whether its sign-in still lives.

The snapshot holds the profile fields the API shows, ``is_active`` and ``valid_after``
(the revocation time as a Unix float). Authenticating a warm request is one HGETALL and
no database query. A miss loads the row from the database and writes the snapshot
back, unless the user changed meanwhile. When Redis cannot be reached the database
answers alone, so revocation still holds. Any save or delete of the user replaces the
snapshot with a tombstone (see ``snapshot_forget``).

A sign-in is the field ``s:<jti of its refresh token>``, whose JSON value is the
session data the strategy keeps (this module reads only ``ISSUED_KEY`` in it). Access
tokens name that jti in ``sid``: ending a sign-in is one HDEL, seen by the next request
on any server.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import redis
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import caches
from django_redis import get_redis_connection
from django_redis.exceptions import ConnectionInterrupted

from accounts.tokens import families
from accounts.tokens.claims import user_id_from_claim
from accounts.tokens.errors import (
    SignInEnded,
    TokenRevoked,
    UserInactive,
    UserNotFound,
)

logger = logging.getLogger("authsite.api")

# Redis unreachable or too slow (django-redis wraps most failures in
# ConnectionInterrupted). The site answers these with 503 (accounts.unavailable).
REDIS_ERRORS: tuple[type[BaseException], ...] = (
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    ConnectionInterrupted,
    ConnectionError,
    TimeoutError,
)

CACHE_ALIAS = "default"
# A snapshot lives as long as an access token may need it; dropped on every change.
SNAPSHOT_TTL_SECONDS = 3600
SNAPSHOT_FIELDS = (
    "username",
    "email",
    "first_name",
    "last_name",
    "is_active",
    "is_staff",
    "is_superuser",
    "email_verified",
    "has_second_factor",
)
SNAPSHOT_KEYS = frozenset({*SNAPSHOT_FIELDS, "date_joined", "valid_after"})
SIGN_IN_PREFIX = "s:"
#: In a sign-in's data: when its current refresh token was issued (its ``iat``). A
#: sign-in from before the user's "valid after" time is refused, so lists leave it out.
ISSUED_KEY = "_ti"


@dataclass(frozen=True)
class SignInRules:
    """What the session strategy decides about the sign-ins in the record when tokens
    are sessions: whether one is still live (its timeouts), and what a renewal of its
    refresh token writes into its data (last seen)."""

    live: Callable[[Mapping[str, Any]], bool]
    renewed: Callable[[], Mapping[str, Any]]


def record_key(user_id: int) -> str:
    return caches[CACHE_ALIAS].make_key(f"jwt:user:{user_id}")


def record_key_pattern() -> str:
    """The SCAN pattern that matches every user's record."""
    return caches[CACHE_ALIAS].make_key("jwt:user:") + "*"


def record_ttl(*, sign_ins: bool) -> int:
    """How long a record lives unread: at least as long as the ended sign-ins it
    holds must be remembered (a refresh token's lifetime); with sign-ins, as long as
    a sign-in may last."""
    ended = settings.JWT_REFRESH_TOKEN_LIFETIME + settings.JWT_LEEWAY
    if sign_ins:
        return max(settings.AUTHSITE_SESSION_ABSOLUTE_TIMEOUT, ended)
    return max(SNAPSHOT_TTL_SECONDS, ended)


def _client() -> Any:
    return get_redis_connection(CACHE_ALIAS)


def record_decode(raw: Mapping[bytes, bytes]) -> dict[str, str]:
    """A record read with HGETALL, decoded."""
    return {k.decode(): v.decode() for k, v in raw.items()}


def record_read(*, user_id: int) -> dict[str, str]:
    """The whole record of ``user_id`` (empty when there is none): one HGETALL."""
    return record_decode(_client().hgetall(record_key(user_id)))


# --- the user snapshot ------------------------------------------------------------


def _valid_after(user: Any) -> float:
    return user.token_valid_after.timestamp() if user.token_valid_after else 0.0


def _snapshot_from_user(user: Any) -> dict[str, str]:
    data = {name: str(getattr(user, name)) for name in SNAPSHOT_FIELDS}
    data["date_joined"] = user.date_joined.isoformat()
    data["valid_after"] = repr(_valid_after(user))
    return data


def _user_from_snapshot(user_id: int, data: Mapping[str, str]) -> Any:
    # Any: a partial copy of the user that carries two attributes the model lacks.
    user: Any = get_user_model()(
        id=user_id,
        username=data["username"],
        email=data["email"],
        first_name=data["first_name"],
        last_name=data["last_name"],
        is_active=data["is_active"] == "True",
        is_staff=data["is_staff"] == "True",
        is_superuser=data["is_superuser"] == "True",
        # Snapshots kept next to sessions before the field existed lack it.
        email_verified=data.get("email_verified", "True") == "True",
        has_second_factor=data.get("has_second_factor") == "True",
        date_joined=datetime.fromisoformat(data["date_joined"]),
    )
    user._state.adding = False
    user._state.db = "default"
    # No password hash in the cache: refuse to save this partial copy by mistake.
    user._token_snapshot = True
    user.valid_after = float(data["valid_after"])
    return user


def snapshot_of_user(user: Any) -> dict[str, str]:
    """The snapshot of ``user`` as this record keeps it (also kept next to sessions)."""
    return _snapshot_from_user(user)


def user_of_snapshot(user_id: int, data: Mapping[str, str]) -> Any:
    """A partial, unsaveable copy of user ``user_id`` from ``data``."""
    return _user_from_snapshot(user_id, data)


def _load_user(user_id: int) -> AbstractBaseUser | None:
    return get_user_model().objects.filter(pk=user_id).first()


def snapshot_refill(
    *,
    client: Any,
    user_id: int,
    load: Callable[[int], Any],
    sign_ins: bool = False,
) -> dict[str, str]:
    """Read the user with ``load`` and cache the snapshot, unless it changed meanwhile.

    WATCH makes the write conditional: a change of the user after the WATCH rewrites
    the key (see snapshot_forget), EXEC then fails and the older row is not cached.
    """

    def snapshot() -> dict[str, str]:
        user = load(user_id)
        if user is None:
            raise UserNotFound
        return _snapshot_from_user(user)

    if client is None:
        return snapshot()
    key = record_key(user_id)
    data: dict[str, str] | None = None
    try:
        with client.pipeline(transaction=True) as pipe:
            pipe.watch(key)
            data = snapshot()
            pipe.multi()
            # Replace the snapshot fields only: the record may hold sign-ins too.
            pipe.hdel(key, "forgotten")
            pipe.hset(key, mapping=data)
            pipe.expire(key, record_ttl(sign_ins=sign_ins))
            pipe.execute()
    except redis.WatchError:
        logger.info("user %s changed while being cached; not cached", user_id)
    except REDIS_ERRORS as exc:
        logger.warning("token user cache not written: %s", exc)
    return data if data is not None else snapshot()


def snapshot_forget(*, user_id: int, sign_ins: bool) -> None:
    """Replace the cached snapshot with a tombstone, so the next request reads the
    database. A tombstone, not a DEL: deleting a missing key would not trip the WATCH
    of a refill in flight."""
    key = record_key(user_id)
    with _client().pipeline(transaction=True) as pipe:
        # The snapshot fields only: the sign-ins in the record stay live.
        pipe.hdel(key, *SNAPSHOT_KEYS)
        pipe.hset(key, "forgotten", "1")
        pipe.expire(key, record_ttl(sign_ins=sign_ins))
        pipe.execute()


def token_sign_in(
    *,
    payload: Mapping[str, Any],
    sign_ins: SignInRules | None,
    timeouts: bool = True,
) -> tuple[Any, dict[str, Any] | None]:
    """The user of a verified token and, when tokens are sessions (``sign_ins``), the
    data of its sign-in; raise a TokenRejected for a revoked token or an ended sign-in.
    With ``timeouts=False`` a sign-in past its idle or absolute timeout still counts
    (the page middleware ends it, and records why).

    One HGETALL reads the user, the revocation time and the sign-ins together.
    """
    user_id = user_id_from_claim(payload.get("sub"))
    client = None
    data: dict[str, str] = {}
    try:
        client = _client()
        data = record_decode(client.hgetall(record_key(user_id)))
    except REDIS_ERRORS as exc:
        if sign_ins is not None:
            raise  # the live sign-ins are only in Redis: 503, not a guess
        client = None
        logger.warning("token user cache unavailable, using the database: %s", exc)
    recorded = sign_ins_from_fields(data)
    ended = families.family_ended(data, family=families.family_of(payload))
    if not data.keys() >= SNAPSHOT_KEYS:  # a miss, or a change left a tombstone
        data = snapshot_refill(
            client=client,
            user_id=user_id,
            load=_load_user,
            sign_ins=sign_ins is not None,
        )
    user = _user_from_snapshot(user_id, data)
    if not user.is_active:
        raise UserInactive
    iat = payload.get("iat")
    if not isinstance(iat, int | float) or iat <= user.valid_after:
        raise TokenRevoked
    if ended:
        raise SignInEnded
    if sign_ins is None:
        return user, None
    # An access token names its sign-in in "sid"; a refresh token is the sign-in.
    sid = payload.get("sid") if payload.get("token_type") == "access" else None
    sign_in = recorded.get(str(sid or payload.get("jti")))
    if sign_in is None or (timeouts and not sign_ins.live(sign_in)):
        raise SignInEnded
    return user, sign_in


# --- sign-ins (tokens are sessions) -----------------------------------------------


def sign_ins_from_fields(fields: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """The sign-ins in a decoded record, by refresh-token jti."""
    found = {}
    for name, value in fields.items():
        if name.startswith(SIGN_IN_PREFIX):
            try:
                found[name[len(SIGN_IN_PREFIX) :]] = json.loads(value)
            except ValueError:
                continue
    return found


def valid_after_from_fields(fields: Mapping[str, str]) -> float:
    """The user's "valid after" time in a decoded record (0 in a tombstone)."""
    return float(fields.get("valid_after") or 0)


def sign_in_record(*, user_id: int, sid: str, data: Mapping[str, Any]) -> None:
    """Write (or rewrite) the data of sign-in ``sid``: one round trip."""
    key = record_key(user_id)
    pipe = _client().pipeline(transaction=False)
    pipe.hset(key, SIGN_IN_PREFIX + sid, json.dumps(data, separators=(",", ":")))
    pipe.expire(key, record_ttl(sign_ins=True))
    pipe.execute()


def sign_in_rotate(
    *,
    user_id: int,
    old: str,
    new: str,
    issued: float,
    changes: Mapping[str, Any],
) -> dict[str, Any] | None:
    """Move sign-in ``old`` to the refresh token ``new`` (issued at ``issued``) that
    replaced it, with ``changes`` written into its data; return that data (None when
    the sign-in had ended: nothing is written then)."""
    key = record_key(user_id)
    raw = _client().hget(key, SIGN_IN_PREFIX + old)
    if raw is None:
        return None
    data = {**json.loads(raw), **changes, ISSUED_KEY: issued}
    pipe = _client().pipeline(transaction=True)
    pipe.hdel(key, SIGN_IN_PREFIX + old)
    pipe.hset(key, SIGN_IN_PREFIX + new, json.dumps(data, separators=(",", ":")))
    pipe.expire(key, record_ttl(sign_ins=True))
    pipe.execute()
    return data


def family_end(*, user_id: int, family: str, sign_ins: bool) -> None:
    """End every token of sign-in ``family`` from the next request on; forget the
    ended families whose tokens have all expired."""
    key = record_key(user_id)
    client = _client()
    stale = families.ended_expired(record_decode(client.hgetall(key)), now=time.time())
    pipe = client.pipeline(transaction=True)
    if stale:
        pipe.hdel(key, *stale)
    pipe.hset(key, mapping=families.ended_fields(family=family))
    pipe.expire(key, record_ttl(sign_ins=sign_ins))
    pipe.execute()


def sign_ins_forget(*, user_id: int, sids: list[str]) -> None:
    """Drop sign-ins from the record (the tokens are refused from the next request)."""
    if sids:
        _client().hdel(record_key(user_id), *(SIGN_IN_PREFIX + sid for sid in sids))


def sign_in_revoked(data: Mapping[str, Any], *, valid_after: float) -> bool:
    """Whether a recorded sign-in's tokens predate the user's "valid after" time."""
    issued = data.get(ISSUED_KEY)
    return isinstance(issued, int | float) and issued <= valid_after
