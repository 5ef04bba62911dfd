"""The byte codec of the Redis session store: session data in as few bytes as it takes.

Django's cache engine hands the session dict to django-redis, which pickles it: the
long key names (``_auth_user_backend`` and friends), the backend's dotted path and the
hex session hash take most of the bytes. Three encodings, tried in turn:

1. A signed-in session of the usual shape (user, configured backend, hash, timestamps,
   IP, device, optional browser-close expiry) as positional fields: the raw 32-byte
   hash, then ``|``-separated text. About 85 bytes instead of about 330.
2. Any other JSON-able dict with one-letter names for the known keys.

Nothing else: a session holds what JSON can (as under Django's own JSONSerializer),
and the codec never unpickles. Whoever can write to the sessions store must not be
able to run code in the app servers, so a stored value in neither format (corrupt,
foreign, or planted) reads as no session, with one log line.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import re
from typing import Any

from django.conf import settings

logger = logging.getLogger("authsite.sessions")

SHORT_NAMES = {
    "_auth_user_id": "u",
    "_auth_user_backend": "b",
    "_auth_user_hash": "h",
    "_session_expiry": "e",
    "_t0": "c",
    "_ts": "s",
    "_ip": "i",
    "_dv": "d",
}
LONG_NAMES = {short: long for long, short in SHORT_NAMES.items()}
HEX_HASH = re.compile(r"[0-9a-f]{64}")
JSON_MARK = b"{"
POSITIONAL_MARK = b"\x01"
POSITIONAL_KEYS = frozenset(
    {
        "_auth_user_id",
        "_auth_user_backend",
        "_auth_user_hash",
        "_t0",
        "_ts",
        "_ip",
        "_dv",
    }
)


def backend_code(path: str) -> str | None:
    """A 4-character code for a configured backend, stable across deploys; else None.

    A code, not the backend's position in AUTHENTICATION_BACKENDS, so that reordering
    the list never hands a session to another backend.
    """
    if path not in settings.AUTHENTICATION_BACKENDS:
        return None
    return hashlib.sha256(path.encode()).hexdigest()[:4]


def backend_path(code: str) -> str | None:
    """The configured backend with ``code``; None signs the session out (Django then
    finds no backend in it)."""
    for path in settings.AUTHENTICATION_BACKENDS:
        if backend_code(path) == code:
            return path
    return None


def session_encode(data: dict[str, Any]) -> dict[str, Any]:
    """Rename known keys and shrink their values; unknown keys keep a ``~`` mark."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        short = SHORT_NAMES.get(key)
        if short is None:
            out["~" + key] = value
        elif short == "b" and isinstance(value, str) and backend_code(value):
            out["b"] = backend_code(value)
        elif short == "h" and isinstance(value, str) and HEX_HASH.fullmatch(value):
            out["h"] = base64.b64encode(bytes.fromhex(value)).decode().rstrip("=")
        else:
            out[short.upper() if short in "bh" else short] = value
    return out


def session_decode(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key.startswith("~"):
            out[key[1:]] = value
        elif key == "b":
            path = backend_path(value)
            if path is not None:
                out["_auth_user_backend"] = path
        elif key == "h":
            out["_auth_user_hash"] = base64.b64decode(value + "=").hex()
        else:
            out[LONG_NAMES[key.lower()]] = value
    return out


def _positional_encode(data: dict[str, Any]) -> bytes | None:
    """The signed-in shape as positional fields, or None when ``data`` is another shape."""
    keys = set(data)
    expiry = data.get("_session_expiry")
    if keys - {"_session_expiry"} != POSITIONAL_KEYS or expiry not in (None, 0):
        return None
    user_id, backend, session_hash = (
        data["_auth_user_id"],
        data["_auth_user_backend"],
        data["_auth_user_hash"],
    )
    started, seen, ip, device = data["_t0"], data["_ts"], data["_ip"], data["_dv"]
    if not (
        isinstance(user_id, str)
        and user_id.isdigit()
        and isinstance(backend, str)
        and backend_code(backend) is not None
        and isinstance(session_hash, str)
        and HEX_HASH.fullmatch(session_hash)
        and type(started) is int
        and type(seen) is int
        and seen >= started
        and isinstance(ip, str)
        and isinstance(device, str)
        and "|" not in ip + device
    ):
        return None
    text = "|".join(
        [
            user_id,
            backend_code(backend) or "",
            str(started),
            str(seen - started),
            ip,
            device,
            "" if expiry is None else "0",
        ]
    )
    return POSITIONAL_MARK + bytes.fromhex(session_hash) + text.encode()


def _positional_decode(value: bytes) -> dict[str, Any]:
    session_hash, text = value[1:33], value[33:].decode()
    user_id, code, started, seen, ip, device, expiry = text.split("|")
    data: dict[str, Any] = {
        "_auth_user_id": user_id,
        "_auth_user_hash": session_hash.hex(),
        "_t0": int(started),
        "_ts": int(started) + int(seen),
        "_ip": ip,
        "_dv": device,
    }
    if expiry:
        data["_session_expiry"] = 0
    path = backend_path(code)
    if path is not None:
        data["_auth_user_backend"] = path
    return data


class CompactSessionCodec:
    """Session dicts to bytes and back: django-redis's ``OPTIONS["SERIALIZER"]`` of the
    sessions alias."""

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        self.options = options or {}

    def dumps(self, value: Any) -> bytes:
        if isinstance(value, dict):
            positional = _positional_encode(value)
            if positional is not None:
                return positional
            # TypeError for a value JSON cannot hold: a bug in the code that put it
            # in the session, as with Django's JSONSerializer.
            return json.dumps(session_encode(value), separators=(",", ":")).encode()
        raise TypeError(f"a session is a dict, not {type(value).__name__}")

    def loads(self, value: bytes) -> Any:
        """The stored session, or None (no session) for bytes in neither format."""
        try:
            if value.startswith(POSITIONAL_MARK):
                return _positional_decode(value)
            if value.startswith(JSON_MARK):
                decoded = json.loads(value)
                if isinstance(decoded, dict):
                    return session_decode(decoded)
        except (ValueError, KeyError, TypeError, AttributeError, binascii.Error):
            pass  # corrupt: logged below like any other undecodable value
        logger.warning(
            "session store value in no known format (%d bytes) read as no session",
            len(value),
        )
        return None
