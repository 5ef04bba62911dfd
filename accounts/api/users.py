"""The user behind a token, and whether the token was revoked, in one Redis read.

Each user who holds tokens has a snapshot in Redis: one hash with the profile fields the
API shows, ``is_active`` and ``valid_after`` (the revocation time as a Unix float).
Authenticating a warm request is one HGETALL and no database query. A miss loads the
row from the database and writes the snapshot back, unless the user changed meanwhile.
When Redis cannot be reached the database answers alone, so revocation still holds. Any
save or delete of the user replaces the snapshot with a tombstone, at once and again
after commit; if Redis is down at that moment the save fails (503) rather than leave a
stale snapshot that would accept a revoked token.
"""

import logging
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

import redis
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django_redis import get_redis_connection
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken

from accounts.unavailable import STORE_ERRORS

User = get_user_model()
logger = logging.getLogger("authsite.api")

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
)
_SNAPSHOT_KEYS = {*SNAPSHOT_FIELDS, "date_joined", "valid_after"}
_USER_ID = re.compile(r"[1-9][0-9]{0,17}")
_REDIS_ERRORS = STORE_ERRORS


def snapshot_key(user_id: int) -> str:
    return caches[CACHE_ALIAS].make_key(f"jwt:user:{user_id}")


def snapshot_ttl() -> int:
    """How long a record lives unread; longer when it also holds sign-ins (jwt)."""
    from accounts.sessions import tokens as token_sessions

    if token_sessions.tokens_are_sessions():
        return token_sessions.record_ttl()
    return SNAPSHOT_TTL_SECONDS


def user_id_from_claim(sub: Any) -> int:
    """The user id in a ``sub`` claim; anything but a decimal id is an invalid token."""
    if not isinstance(sub, str) or not _USER_ID.fullmatch(sub):
        raise InvalidToken("Token contained no recognizable user identification")
    return int(sub)


def _valid_after(user: Any) -> float:
    return user.token_valid_after.timestamp() if user.token_valid_after else 0.0


def _snapshot_from_user(user: Any) -> dict[str, str]:
    data = {name: str(getattr(user, name)) for name in SNAPSHOT_FIELDS}
    data["date_joined"] = user.date_joined.isoformat()
    data["valid_after"] = repr(_valid_after(user))
    return data


def _user_from_snapshot(user_id: int, data: dict[str, str]) -> Any:
    user = User(
        id=user_id,
        username=data["username"],
        email=data["email"],
        first_name=data["first_name"],
        last_name=data["last_name"],
        is_active=data["is_active"] == "True",
        is_staff=data["is_staff"] == "True",
        is_superuser=data["is_superuser"] == "True",
        date_joined=datetime.fromisoformat(data["date_joined"]),
    )
    user._state.adding = False
    user._state.db = "default"
    # No password hash in the cache: refuse to save this partial copy by mistake.
    user._token_snapshot = True
    user.valid_after = float(data["valid_after"])
    return user


def token_user(*, payload: dict[str, Any]) -> Any:
    """Return the active user a verified token names, or raise AuthenticationFailed.

    Refuses tokens issued (``iat``) at or before the user's revocation time.
    """
    return token_sign_in(payload=payload)[0]


def token_sign_in(
    *, payload: dict[str, Any], timeouts: bool = True
) -> tuple[Any, dict[str, Any] | None]:
    """The user of a verified token and, when tokens are sessions (``jwt``), the data of
    its sign-in; raise AuthenticationFailed for a revoked token or an ended sign-in.
    With ``timeouts=False`` a sign-in past its idle or absolute timeout still counts
    (the page middleware ends it, and records why).

    One HGETALL reads the user, the revocation time and the live sign-ins together.
    """
    from accounts.sessions import tokens as token_sessions

    user_id = user_id_from_claim(payload.get("sub"))
    tracked = token_sessions.tokens_are_sessions()
    client = None
    data: dict[str, str] = {}
    try:
        client = get_redis_connection(CACHE_ALIAS)
        raw = client.hgetall(snapshot_key(user_id))
        data = {k.decode(): v.decode() for k, v in raw.items()}
    except _REDIS_ERRORS as exc:
        if tracked:
            raise  # the live sign-ins are only in Redis: 503, not a guess
        client = None
        logger.warning("token user cache unavailable, using the database: %s", exc)
    sign_ins = token_sessions.sessions_from_fields(data)
    if not data.keys() >= _SNAPSHOT_KEYS:  # a miss, or a change left a tombstone
        data = snapshot_refill(client=client, user_id=user_id, load=_load_user)
    user = _user_from_snapshot(user_id, data)
    if not user.is_active:
        raise AuthenticationFailed("User is inactive", code="user_inactive")
    iat = payload.get("iat")
    if not isinstance(iat, int | float) or iat <= user.valid_after:
        raise AuthenticationFailed("Token has been revoked", code="token_revoked")
    if not tracked:
        return user, None
    # An access token names its sign-in in "sid"; a refresh token is the sign-in.
    sid = payload.get("sid") if payload.get("token_type") == "access" else None
    sign_in = sign_ins.get(str(sid or payload.get("jti")))
    if sign_in is None or (timeouts and not token_sessions.session_live(sign_in)):
        raise AuthenticationFailed("Session has ended", code="session_ended")
    return user, sign_in


def _load_user(user_id: int) -> Any:
    return User.objects.filter(pk=user_id).first()


def snapshot_refill(
    *, client: Any, user_id: int, load: Callable[[int], Any]
) -> dict[str, str]:
    """Read the user with ``load`` and cache the snapshot, unless it changed meanwhile.

    WATCH makes the write conditional: a change of the user after the WATCH rewrites
    the key (see snapshot_forget), EXEC then fails and the older row is not cached.
    """

    def snapshot() -> dict[str, str]:
        user = load(user_id)
        if user is None:
            raise AuthenticationFailed("User not found", code="user_not_found")
        return _snapshot_from_user(user)

    if client is None:
        return snapshot()
    key = snapshot_key(user_id)
    data: dict[str, str] | None = None
    try:
        with client.pipeline(transaction=True) as pipe:
            pipe.watch(key)
            data = snapshot()
            pipe.multi()
            # Replace the snapshot fields only: the record may hold sign-ins too.
            pipe.hdel(key, "forgotten")
            pipe.hset(key, mapping=data)
            pipe.expire(key, snapshot_ttl())
            pipe.execute()
    except redis.WatchError:
        logger.info("user %s changed while being cached; not cached", user_id)
    except _REDIS_ERRORS as exc:
        logger.warning("token user cache not written: %s", exc)
    return data if data is not None else snapshot()


def user_for_update(*, user: Any) -> Any:
    """The database row of ``user`` (a token user is a partial, unsaveable copy)."""
    return User.objects.get(pk=user.pk)


def snapshot_forget(*, user_id: int) -> None:
    """Replace the cached snapshot with a tombstone, so the next request reads the
    database. A tombstone, not a DEL: deleting a missing key would not trip the WATCH
    of a refill in flight."""
    key = snapshot_key(user_id)
    with get_redis_connection(CACHE_ALIAS).pipeline(transaction=True) as pipe:
        # The snapshot fields only: the sign-ins in the record (jwt) stay live.
        pipe.hdel(key, *_SNAPSHOT_KEYS)
        pipe.hset(key, "forgotten", "1")
        pipe.expire(key, snapshot_ttl())
        pipe.execute()


def _forget_now_and_after_commit(user_id: int) -> None:
    # Now, so that this change fails (and rolls back) if Redis is down; again after
    # commit, because a request may have cached the old row in between.
    snapshot_forget(user_id=user_id)
    transaction.on_commit(lambda: snapshot_forget(user_id=user_id))


@receiver(post_save, sender=User, dispatch_uid="accounts.api.users.saved")
def _forget_on_save(sender, instance, created, update_fields=None, **kwargs) -> None:
    if created or (update_fields is not None and set(update_fields) <= {"last_login"}):
        return
    _forget_now_and_after_commit(instance.pk)


@receiver(post_delete, sender=User, dispatch_uid="accounts.api.users.deleted")
def _forget_on_delete(sender, instance, **kwargs) -> None:
    _forget_now_and_after_commit(instance.pk)
