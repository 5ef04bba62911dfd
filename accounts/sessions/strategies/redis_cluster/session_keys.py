"""Session keys that put a signed-in session in its user's slot, and stay opaque.

A signed-in session's key is ``<tag><random>``: 20 hex characters of HMAC-SHA256 of
the user id, keyed with a key derived from SECRET_KEY (Django's ``salted_hmac``), then
22 random characters from 62 (131 bits, as the ``redis`` engine's keys). In Redis the
tag is braced, ``s:{<tag>}<random>``, and the user's index is ``u:{<tag>}``: Redis
Cluster hashes only what is inside the braces, so both live in one slot and change
in one ``MULTI``. An anonymous session's key is the 22 random characters alone, so
anonymous sessions spread over every slot.

The key stays opaque: without SECRET_KEY the tag cannot be told apart from random
characters or tied to a user id (it is a MAC, not an encoding, and user ids are too
few to hide behind a bare hash). What the tag does show is that two keys belong to
the same user, which only someone holding both cookies can see. The braces are added
by the server, never sent: ``{`` and ``}`` would force a quoted cookie value.
"""

from __future__ import annotations

import string

from django.conf import settings
from django.utils.crypto import get_random_string, salted_hmac

TAG_SALT = "accounts.sessions.strategies.redis_cluster.user_tag"
TAG_LENGTH = 20
HEX = frozenset(string.hexdigits.lower())
RANDOM_CHARS = string.ascii_letters + string.digits
RANDOM_LENGTH = 22
SESSION_PREFIX = "s:"
INDEX_PREFIX = "u:"


def user_tag(user_id: int | str, *, secret: str | bytes | None = None) -> str:
    """The hash tag of ``user_id``'s sessions under SECRET_KEY (or ``secret``)."""
    mac = salted_hmac(TAG_SALT, str(user_id), secret=secret, algorithm="sha256")
    return mac.hexdigest()[:TAG_LENGTH]


def user_tags(user_id: int | str) -> list[str]:
    """The tag under SECRET_KEY, then under each of SECRET_KEY_FALLBACKS.

    Sessions signed in before a key rotation keep their old tag until their next
    write moves them; listing and revoking must still find them.
    """
    tags = [user_tag(user_id)]
    for secret in settings.SECRET_KEY_FALLBACKS:
        tag = user_tag(user_id, secret=secret)
        if tag not in tags:
            tags.append(tag)
    return tags


def session_key_new(user_id: int | str | None) -> str:
    """A fresh session key: tagged with the user's tag, or all random when anonymous."""
    random_part = get_random_string(RANDOM_LENGTH, RANDOM_CHARS)
    return random_part if user_id is None else user_tag(user_id) + random_part


def key_tag(session_key: str) -> str | None:
    """The tag a session key carries, or None for an anonymous (untagged) key."""
    if len(session_key) != TAG_LENGTH + RANDOM_LENGTH:
        return None
    tag = session_key[:TAG_LENGTH]
    return tag if HEX.issuperset(tag) else None


def session_name(session_key: str) -> str:
    """The session's Redis key (before the cache's KEY_PREFIX)."""
    tag = key_tag(session_key)
    if tag is None:
        return SESSION_PREFIX + session_key
    return f"{SESSION_PREFIX}{{{tag}}}{session_key[TAG_LENGTH:]}"


def index_name(tag: str) -> str:
    """The Redis key of the index of the sessions tagged ``tag`` (before KEY_PREFIX)."""
    return f"{INDEX_PREFIX}{{{tag}}}"


def index_pattern() -> str:
    """A SCAN pattern for every index key (before KEY_PREFIX)."""
    return INDEX_PREFIX + "{*"
