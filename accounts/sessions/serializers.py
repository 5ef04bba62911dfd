"""A compact encoding of session data for the Redis session store.

Django's cache engine hands the session dict to django-redis, which pickles it: the
long key names (``_auth_user_backend`` and friends), the backend's dotted path and the
hex session hash take most of the bytes. Here the known keys get one-letter names, the
site's only backend becomes ``0`` and the hash is stored as base64; anything else stays
as it is. Data that JSON cannot hold falls back to pickle, so nothing is ever lost.
"""

from __future__ import annotations

import base64
import binascii
import json
import pickle
import re
from typing import Any

from django.conf import settings

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


def _default_backend() -> str:
    return settings.AUTHENTICATION_BACKENDS[0]


def session_encode(data: dict[str, Any]) -> dict[str, Any]:
    """Rename known keys and shrink their values; unknown keys keep a ``~`` mark."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        short = SHORT_NAMES.get(key)
        if short is None:
            out["~" + key] = value
        elif short == "b" and value == _default_backend():
            out["b"] = 0
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
            out["_auth_user_backend"] = _default_backend()
        elif key == "h":
            out["_auth_user_hash"] = base64.b64decode(value + "=").hex()
        else:
            out[LONG_NAMES[key.lower()]] = value
    return out


class CompactSessionSerializer:
    """A django-redis serializer (``OPTIONS["SERIALIZER"]``) for the sessions alias."""

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        self.options = options or {}

    def dumps(self, value: Any) -> bytes:
        if isinstance(value, dict):
            try:
                return json.dumps(session_encode(value), separators=(",", ":")).encode()
            except (TypeError, ValueError):
                pass
        return pickle.dumps(value, pickle.HIGHEST_PROTOCOL)

    def loads(self, value: bytes) -> Any:
        if value.startswith(JSON_MARK):
            try:
                return session_decode(json.loads(value))
            except (ValueError, KeyError, binascii.Error):
                return None
        # Written by this site's own server, never by a client.
        return pickle.loads(value)  # noqa: S301
