"""The factors pages: turn the app on from its QR code and key, recovery codes, off."""

from datetime import UTC, datetime

import pyotp
import pytest
from django.core import mail

from accounts.models import Authenticator
from tests.helpers.mfa import (
    recovery_codes_on_page,
    secret_on_page,
    totp_code,
    totp_enable,
)

pytestmark = pytest.mark.django_db


def test_the_overview_shows_the_app_off_and_no_codes(client_signed_in):
    page = client_signed_in.get("/accounts/mfa/").content.decode()

    assert "Set up an authenticator app" in page
    assert "0 codes left" in page


@pytest.mark.parametrize(
    ("language", "since"),
    [("en", "since 5 Mar 2026"), ("ko", "2026년 3월 5일부터")],
)
def test_the_overview_dates_the_app_in_the_pages_language(
    client_signed_in, user, language, since
):
    totp_enable(user)
    Authenticator.objects.filter(user=user, kind=Authenticator.Kind.TOTP).update(
        created_at=datetime(2026, 3, 5, 12, 0, tzinfo=UTC)
    )
    user.language = language
    user.save(update_fields=["language"])

    page = client_signed_in.get(
        "/accounts/mfa/", HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()

    assert since in page


def test_the_enrolment_page_shows_a_qr_code_and_the_key(client_signed_in):
    page = client_signed_in.get("/accounts/mfa/totp/").content.decode()

    assert '<figure class="qr" id="totp-qr"' in page
    assert "<svg" in page
    assert len(secret_on_page(page)) == 32


def test_reloading_the_enrolment_page_keeps_the_same_key(client_signed_in):
    first = secret_on_page(client_signed_in.get("/accounts/mfa/totp/").content.decode())
    second = secret_on_page(
        client_signed_in.get("/accounts/mfa/totp/").content.decode()
    )

    assert first == second


def test_a_code_from_the_key_on_the_page_turns_the_app_on(client_signed_in, user):
    secret = secret_on_page(
        client_signed_in.get("/accounts/mfa/totp/").content.decode()
    )

    response = client_signed_in.post(
        "/accounts/mfa/totp/", {"action": "confirm", "code": pyotp.TOTP(secret).now()}
    )

    assert response.status_code == 200
    assert len(recovery_codes_on_page(response.content.decode())) == 10
    row = Authenticator.objects.get(user=user, kind="totp")
    assert secret not in str(row.data)
    assert [m.subject for m in mail.outbox]


def test_a_wrong_code_leaves_the_app_off(client_signed_in, user):
    client_signed_in.get("/accounts/mfa/totp/")

    response = client_signed_in.post(
        "/accounts/mfa/totp/", {"action": "confirm", "code": "000000"}
    )

    assert "That code is not right." in response.content.decode()
    assert not Authenticator.objects.filter(user=user).exists()


def test_turning_the_app_off_removes_it_and_the_recovery_codes(client_signed_in, user):
    totp_enable(user)

    response = client_signed_in.post("/accounts/mfa/totp/", {"action": "disable"})

    assert response.headers["Location"] == "/accounts/mfa/"
    assert not Authenticator.objects.filter(user=user).exists()


def test_new_recovery_codes_replace_the_old_ones(client_signed_in, user):
    _, old_codes = totp_enable(user)

    response = client_signed_in.post("/accounts/mfa/recovery-codes/")
    new_codes = recovery_codes_on_page(response.content.decode())

    assert len(new_codes) == 10
    assert not set(new_codes) & set(old_codes)
    page = client_signed_in.get("/accounts/mfa/recovery-codes/").content.decode()
    assert "You have 10 unused codes." in page


def test_the_recovery_codes_download_as_text(client_signed_in):
    codes = ["ABCDE-FGHJK", "LMNPQ-RSTUV"]

    response = client_signed_in.post(
        "/accounts/mfa/recovery-codes/download/", {"codes": " ".join(codes)}
    )

    assert response["Content-Type"].startswith("text/plain")
    assert "attachment" in response["Content-Disposition"]
    assert all(code in response.content.decode() for code in codes)


def test_recovery_codes_need_a_factor_first(client_signed_in, user):
    response = client_signed_in.post("/accounts/mfa/recovery-codes/")

    assert response.headers["Location"] == "/accounts/mfa/"
    assert not Authenticator.objects.filter(user=user).exists()


def test_the_factor_pages_need_a_sign_in(client):
    for path in (
        "/accounts/mfa/",
        "/accounts/mfa/totp/",
        "/accounts/mfa/recovery-codes/",
    ):
        assert client.get(path).headers["Location"].startswith("/accounts/login/")


def test_a_password_only_session_can_use_a_code_from_its_app_after_enrolling(
    client_signed_in, user
):
    secret = secret_on_page(
        client_signed_in.get("/accounts/mfa/totp/").content.decode()
    )
    client_signed_in.post(
        "/accounts/mfa/totp/",
        {"action": "confirm", "code": totp_code(secret, steps=-1)},
    )

    assert client_signed_in.get("/accounts/profile/").status_code == 200
