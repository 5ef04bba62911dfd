"""What a signed-in session records about itself, kept inside the session data.

The session list shows these; keeping them in the session (not in the index) means a
page view reads one key, and the last-seen time rides on the idle clock's once-a-minute
write (``timeouts.SEEN_KEY``).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from user_agents import parse as user_agent_parse

from accounts.sessions import timeouts

IP_KEY = "_ip"
DEVICE_KEY = "_dv"
EXPIRY_KEY = "_session_expiry"
DEVICE_MAX_LENGTH = 60


@functools.lru_cache(maxsize=512)
def device_name(user_agent: str) -> str:
    """Browser and operating system, e.g. "Firefox 126 on Ubuntu"; "" when unknown."""
    if not user_agent:
        return ""
    agent = user_agent_parse(user_agent[:1000])
    browser = " ".join(
        part
        for part in (agent.browser.family, agent.browser.version_string.split(".")[0])
        if part
    )
    system = " ".join(
        part for part in (agent.os.family, agent.os.version_string) if part
    )
    name = f"{browser} on {system}" if system and system != "Other" else browser
    return name[:DEVICE_MAX_LENGTH]


def session_describe(session: SessionBase, *, ip: str, user_agent: str) -> None:
    """Record where a freshly signed-in session comes from."""
    session[IP_KEY] = ip
    session[DEVICE_KEY] = device_name(user_agent)


def session_expires(data: Mapping[str, Any]) -> int:
    """When the server will end this session (Unix seconds): idle or absolute timeout."""
    started = data.get(timeouts.STARTED_KEY, 0)
    seen = data.get(timeouts.SEEN_KEY, started)
    return min(
        started + settings.AUTHSITE_SESSION_ABSOLUTE_TIMEOUT,
        seen + settings.AUTHSITE_SESSION_IDLE_TIMEOUT,
    )


def remember_me(data: Mapping[str, Any]) -> bool:
    """Whether the cookie outlives the browser (``set_expiry(0)`` means it does not)."""
    return data.get(EXPIRY_KEY) != 0
