import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import (
    BlacklistedToken,
    OutstandingToken,
)

from accounts.models import AuthEvent, EmailVerification
from accounts.sessions.models import UserSession
from accounts.verification import email_verification_send

pytestmark = pytest.mark.django_db


def outstanding(user, jti, *, expires_in):
    return OutstandingToken.objects.create(
        user=user,
        jti=jti,
        token=f"token-{jti}",
        created_at=timezone.now() - timedelta(days=1),
        expires_at=timezone.now() + expires_in,
    )


def cleanup() -> str:
    out = io.StringIO()
    call_command("cleanup", stdout=out)
    return out.getvalue()


def test_expired_tokens_go_and_live_ones_stay(user):
    expired = outstanding(user, "old", expires_in=timedelta(hours=-1))
    BlacklistedToken.objects.create(token=expired)
    live = outstanding(user, "new", expires_in=timedelta(hours=1))
    BlacklistedToken.objects.create(token=live)

    cleanup()

    assert list(OutstandingToken.objects.values_list("jti", flat=True)) == ["new"]
    assert list(BlacklistedToken.objects.values_list("token__jti", flat=True)) == [
        "new"
    ]


def test_expired_database_sessions_go_and_live_ones_stay(user):
    now = timezone.now()
    UserSession.objects.create(
        session_key="old", session_data="", expire_date=now - timedelta(minutes=1)
    )
    UserSession.objects.create(
        session_key="new", session_data="", expire_date=now + timedelta(hours=1)
    )

    cleanup()

    assert list(UserSession.objects.values_list("session_key", flat=True)) == ["new"]


def test_sign_in_events_past_the_retention_go(user, settings):
    settings.AUTHSITE_SIGN_IN_EVENT_RETENTION_DAYS = 30
    old = AuthEvent.objects.create(user=user, kind=AuthEvent.Kind.LOGIN)
    AuthEvent.objects.filter(pk=old.pk).update(
        created=timezone.now() - timedelta(days=31)
    )
    recent = AuthEvent.objects.create(user=user, kind=AuthEvent.Kind.LOGIN)

    cleanup()

    assert list(AuthEvent.objects.values_list("pk", flat=True)) == [recent.pk]


def test_a_second_run_removes_nothing_more(user):
    outstanding(user, "old", expires_in=timedelta(hours=-1))
    outstanding(user, "new", expires_in=timedelta(hours=1))
    first = cleanup()

    second = cleanup()

    assert "expired refresh tokens (outstanding and blacklisted): 1 removed" in first
    assert "expired refresh tokens (outstanding and blacklisted): 0 removed" in second
    assert OutstandingToken.objects.count() == 1


def test_expired_email_verifications_go_and_live_ones_stay(user):
    email_verification_send(user=user, email="old@example.com")
    email_verification_send(user=user, email="new@example.com")
    EmailVerification.objects.filter(email="old@example.com").update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    cleanup()

    assert list(EmailVerification.objects.values_list("email", flat=True)) == [
        "new@example.com"
    ]
