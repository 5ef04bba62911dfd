"""Reading what the site mailed: the verification link and code of a message."""

import re

from django.core import mail


def messages_to(address: str) -> list:
    """Every message in the outbox sent to ``address``, oldest first."""
    return [m for m in mail.outbox if address in m.to]


def verification_path(message) -> str:
    """The path of the verification link in ``message`` (/accounts/email/verify/…/)."""
    found = re.search(r"https?://[^/\s]+(/accounts/email/verify/[\w-]+/)", message.body)
    assert found, message.body
    return found.group(1)


def verification_key(message) -> str:
    """The key of the verification link in ``message``."""
    return verification_path(message).rstrip("/").rsplit("/", 1)[1]


def verification_code(message) -> str:
    """The 6-digit code in ``message``."""
    found = re.search(r"^\s*(\d{6})\s*$", message.body, re.MULTILINE)
    assert found, message.body
    return found.group(1)
