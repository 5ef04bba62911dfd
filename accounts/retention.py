"""Removal of what has expired, so that no table grows without bound.

``manage.py cleanup`` runs ``expired_remove``; each step deletes only rows that can
no longer be used, so it is idempotent and safe to run at any time, from cron, on
one server of many at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from accounts.models import AuthEvent, EmailVerification
from accounts.sessions.models import UserSession


def expired_tokens_remove(*, now: datetime) -> int:
    """Outstanding refresh tokens past their ``exp`` (their blacklist entries go with
    them): an expired token is refused whether listed or not."""
    deleted, _ = OutstandingToken.objects.filter(expires_at__lte=now).delete()
    return deleted


def expired_db_sessions_remove(*, now: datetime) -> int:
    """Rows of the ``db`` and ``cached_db`` strategies past their expiry date, whichever
    strategy is active now (rows of one used earlier expire too)."""
    deleted, _ = UserSession.objects.filter(expire_date__lte=now).delete()
    return deleted


def old_sign_in_events_remove(*, now: datetime) -> int:
    """Sign-in events older than AUTHSITE_SIGN_IN_EVENT_RETENTION days."""
    cutoff = now - timedelta(days=settings.AUTHSITE_SIGN_IN_EVENT_RETENTION_DAYS)
    deleted, _ = AuthEvent.objects.filter(created__lt=cutoff).delete()
    return deleted


def expired_email_verifications_remove(*, now: datetime) -> int:
    """Email verifications past their expiry: their links and codes no longer work."""
    deleted, _ = EmailVerification.objects.filter(expires_at__lte=now).delete()
    return deleted


#: Each step, by the name the command prints. A model with keys that expire adds its
#: own step here.
CLEANUP_STEPS: dict[str, Callable[..., int]] = {
    "expired refresh tokens (outstanding and blacklisted)": expired_tokens_remove,
    "expired database sessions": expired_db_sessions_remove,
    "expired email verifications": expired_email_verifications_remove,
    "old sign-in events": old_sign_in_events_remove,
}


def expired_remove(*, now: datetime | None = None) -> dict[str, int]:
    """Run every cleanup step; return how many rows each removed."""
    moment = now or timezone.now()
    return {name: step(now=moment) for name, step in CLEANUP_STEPS.items()}
