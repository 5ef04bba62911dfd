"""Token sign-ins as sessions (``jwt``): what this strategy decides about them.

Under a strategy whose ``tokens_are_sessions`` is set, every refresh token is a session.
Its data (sign-in time, last seen, IP, device, remember-me: the keys a browser session
keeps) sits in the user's token record (``accounts.tokens.records``), which every token
use reads with one HGETALL. Here: when such a sign-in is still live (the session
timeouts) and what it records when it starts or is renewed.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from accounts.sessions import metadata, timeouts
from accounts.tokens.records import SignInRules


def sign_in_live(data: Mapping[str, Any] | None, *, now: float | None = None) -> bool:
    """Whether a recorded sign-in is within its idle and absolute timeouts."""
    if data is None:
        return False
    return metadata.session_expires(data) > (now or time.time())


def sign_in_renewed() -> dict[str, Any]:
    """What a renewal of the sign-in's refresh token writes: seen now."""
    return {timeouts.SEEN_KEY: int(time.time())}


def sign_in_start_data(*, ip: str, user_agent: str, now: int | None = None) -> dict:
    """The data of a new API sign-in (a browser sign-in records its session data)."""
    now = now or int(time.time())
    return {
        timeouts.STARTED_KEY: now,
        timeouts.SEEN_KEY: now,
        metadata.IP_KEY: ip,
        metadata.DEVICE_KEY: metadata.device_name(user_agent),
    }


SIGN_IN_RULES = SignInRules(live=sign_in_live, renewed=sign_in_renewed)
