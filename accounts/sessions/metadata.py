"""What a signed-in session records about itself, kept inside the session data.

The session list shows these; keeping them in the session (not in the index) means a
page view reads one key, and the last-seen time rides on the idle clock's once-a-minute
write (``timeouts.SEEN_KEY``).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.utils.translation import gettext_lazy as _
from user_agents import parse as user_agent_parse

from accounts.sessions import timeouts

if TYPE_CHECKING:  # a dev-only package: the type of a translated string
    from django_stubs_ext import StrOrPromise

IP_KEY = "_ip"
DEVICE_KEY = "_dv"
EXPIRY_KEY = "_session_expiry"
#: How the session was signed in: RFC 8176 ``amr`` values (["pwd", "otp", "mfa"],
#: ["hwk", "user"], ...). Absent for a password alone, the common case: every byte of
#: a session counts, millions of times over.
AMR_KEY = "_amr"
PASSWORD_AMR = ("pwd",)
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


def sign_in_amr(data: Mapping[str, Any]) -> list[str]:
    """The ``amr`` values the session was signed in with (a password when unsaid)."""
    amr = data.get(AMR_KEY)
    return (
        [str(value) for value in amr] if isinstance(amr, list) else list(PASSWORD_AMR)
    )


def sign_in_method(amr: list[str]) -> StrOrPromise:
    """The sign-in method a person reads, for ``amr`` values."""
    if "hwk" in amr or "swk" in amr:
        return _("password + passkey") if "pwd" in amr else _("passkey")
    if "otp" in amr:
        return _("password + authenticator app")
    return _("password")


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
