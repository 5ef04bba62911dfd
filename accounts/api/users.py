"""The user behind a token, and whether the token was revoked, in one Redis read.

Each user who holds tokens has a snapshot in Redis: one hash with the profile fields the
API shows, ``is_active`` and ``valid_after`` (the revocation time as a Unix float).
Authenticating a warm request is one HGETALL and no database query. A miss loads the
row from the database and writes the snapshot back. When Redis cannot be reached the
database answers alone, so revocation still holds. Any save or delete of the user drops
the snapshot; if Redis is down at that moment the save fails (503) rather than leave a
stale snapshot that would accept a revoked token.
"""

import logging
import re
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.cache import caches
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
    user_id = user_id_from_claim(payload.get("sub"))
    client = None
    data: dict[str, str] = {}
    try:
        client = get_redis_connection(CACHE_ALIAS)
        raw = client.hgetall(snapshot_key(user_id))
        data = {k.decode(): v.decode() for k, v in raw.items()}
    except _REDIS_ERRORS as exc:
        client = None
        logger.warning("token user cache unavailable, using the database: %s", exc)
    if data and data.keys() >= _SNAPSHOT_KEYS:
        user = _user_from_snapshot(user_id, data)
    else:
        db_user = User.objects.filter(pk=user_id).first()
        if db_user is None:
            raise AuthenticationFailed("User not found", code="user_not_found")
        data = _snapshot_from_user(db_user)
        if client is not None:
            try:
                with client.pipeline(transaction=True) as pipe:
                    pipe.hset(snapshot_key(user_id), mapping=data)
                    pipe.expire(snapshot_key(user_id), SNAPSHOT_TTL_SECONDS)
                    pipe.execute()
            except _REDIS_ERRORS as exc:
                logger.warning("token user cache not written: %s", exc)
        user = _user_from_snapshot(user_id, data)
    if not user.is_active:
        raise AuthenticationFailed("User is inactive", code="user_inactive")
    iat = payload.get("iat")
    if not isinstance(iat, int | float) or iat <= user.valid_after:
        raise AuthenticationFailed("Token has been revoked", code="token_revoked")
    return user


def user_for_update(*, user: Any) -> Any:
    """The database row of ``user`` (a token user is a partial, unsaveable copy)."""
    return User.objects.get(pk=user.pk)


def snapshot_forget(*, user_id: int) -> None:
    """Drop the cached snapshot so that the next request reads the database."""
    get_redis_connection(CACHE_ALIAS).delete(snapshot_key(user_id))


@receiver(post_save, sender=User, dispatch_uid="accounts.api.users.saved")
def _forget_on_save(sender, instance, created, update_fields=None, **kwargs) -> None:
    if created or (update_fields is not None and set(update_fields) <= {"last_login"}):
        return
    snapshot_forget(user_id=instance.pk)


@receiver(post_delete, sender=User, dispatch_uid="accounts.api.users.deleted")
def _forget_on_delete(sender, instance, **kwargs) -> None:
    snapshot_forget(user_id=instance.pk)
