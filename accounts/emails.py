"""Security emails: a message to the user when something about the account changes.

Each kind is a text template (``templates/emails/security/<kind>.txt``) with its
subject here, rendered in the user's language and sent with an HTML alternative. The
mail goes after the response (a slow mail server must not slow the page, nor make the
answer's timing tell anything), or at once outside a request. Links come from
AUTHSITE_SITE_URL, never from the request's Host. AUTHSITE_SECURITY_EMAILS=0 turns
them all off.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger("authsite.accounts")

#: Every kind of security email, with its subject.
SUBJECTS = {
    "password_changed": _("Your password was changed"),
    "password_reset": _("Your password was reset"),
    "email_changed": _("The email address of your account was changed"),
    "new_device": _("New sign-in to your account"),
    "locked_out": _("Someone is trying to get into your account"),
    "account_deleted": _("Your account was deleted"),
    "method_added": _("A sign-in method was added to your account"),
    "method_removed": _("A sign-in method was removed from your account"),
    "factors_reset": _("The second factors of your account were reset"),
}

# The mails of the request being answered, sent once its response is (None: no
# request is being answered, so a mail goes at once).
_after_response: ContextVar[list[Callable[[], None]] | None] = ContextVar(
    "security_emails_after_response", default=None
)


class UnknownSecurityEmail(ValueError):
    """``kind`` names no security email."""


def site_url(path: str = "/") -> str:
    """The absolute address of ``path`` on this site, from AUTHSITE_SITE_URL."""
    return settings.AUTHSITE_SITE_URL.rstrip("/") + path


def _links() -> dict[str, str]:
    return {
        "site_url": site_url("/"),
        "password_reset_url": site_url(reverse("password_reset")),
        "sessions_url": site_url(reverse("sessions")),
        "password_change_url": site_url(reverse("password_change")),
    }


def _recipient(*, user: Any, kind: str, context: dict[str, Any]) -> str:
    # A changed address is told at the address it had: the new one may be a thief's.
    if kind == "email_changed":
        return str(context.get("old_email") or "")
    return str(user.email or "")


def security_email_send(
    *, user: Any, kind: str, context: dict[str, Any] | None = None
) -> None:
    """Send ``user`` the security email ``kind`` after the response, in the user's
    language. ``context`` fills the template; ``email_changed`` goes to
    ``context["old_email"]`` and names ``context["new_email"]``; ``method_added`` and
    ``method_removed`` name ``context["method"]`` (a translatable string)."""
    if kind not in SUBJECTS:
        raise UnknownSecurityEmail(kind)
    if not settings.AUTHSITE_SECURITY_EMAILS:
        return
    values = dict(context or {})
    recipient = _recipient(user=user, kind=kind, context=values)
    if not recipient:
        return
    # Read the user now: the row may be gone (account deleted) when the mail goes.
    values.update(_links(), username=user.get_username())
    language = getattr(user, "language", "") or settings.LANGUAGE_CODE

    def send() -> None:
        with translation.override(language):
            text = render_to_string(f"emails/security/{kind}.txt", values)
            html = render_to_string("emails/security/message.html", {"text": text})
            message = EmailMultiAlternatives(
                subject=str(SUBJECTS[kind]), body=text, to=[recipient]
            )
            message.attach_alternative(html, "text/html")
            message.send()

    pending = _after_response.get()
    if pending is None:
        send()
    else:
        pending.append(send)


def security_email_once(*, user: Any, kind: str, context: dict[str, Any]) -> None:
    """Send the security email ``kind`` unless it went to ``user`` within the
    sign-in cool-off (AUTHSITE_LOGIN_COOLOFF): a lockout repeated by an attacker
    must not flood the owner's mailbox."""
    window = int(settings.AXES_COOLOFF_TIME.total_seconds())
    if caches["default"].add(f"security-email:{kind}:{user.pk}", 1, timeout=window):
        security_email_send(user=user, kind=kind, context=context)


def after_response_begin() -> None:
    """A request starts: its security emails wait for its response."""
    _after_response.set([])


def after_response_send() -> None:
    """The response was sent: send the request's security emails."""
    pending = _after_response.get() or []
    _after_response.set(None)
    for send in pending:
        try:
            send()
        except Exception:  # any mail failure: the response is gone, log it and go on
            logger.exception("security email not sent")
