"""The TOTP rules themselves: RFC 6238 codes, one step of drift, no code twice."""

import time

import pyotp
import pytest

from accounts.mfa import totp


@pytest.fixture
def secret():
    return totp.secret_new()


def now_step() -> int:
    return int(time.time()) // 30


def test_the_current_code_is_accepted(secret):
    step = totp.code_step(secret=secret, code=pyotp.TOTP(secret).now(), last_step=None)

    assert step is not None


@pytest.mark.parametrize("steps", [-1, 1])
def test_a_code_one_step_either_side_is_accepted(secret, steps):
    code = pyotp.TOTP(secret).at(time.time() + steps * 30)

    assert totp.code_step(secret=secret, code=code, last_step=None) is not None


@pytest.mark.parametrize("steps", [-3, 3])
def test_a_code_further_off_is_refused(secret, steps):
    code = pyotp.TOTP(secret).at(time.time() + steps * 30)

    assert totp.code_step(secret=secret, code=code, last_step=None) is None


def test_a_code_of_a_step_already_used_is_refused(secret):
    code = pyotp.TOTP(secret).now()
    used = totp.code_step(secret=secret, code=code, last_step=None)

    assert totp.code_step(secret=secret, code=code, last_step=used) is None


def test_the_code_of_the_step_before_the_last_used_one_is_refused(secret):
    earlier = pyotp.TOTP(secret).at(time.time() - 30)

    assert totp.code_step(secret=secret, code=earlier, last_step=now_step()) is None


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "12 34 5x"])
def test_a_malformed_code_is_refused(secret, code):
    assert totp.code_step(secret=secret, code=code, last_step=None) is None


def test_the_secret_is_stored_encrypted_and_reads_back(secret):
    stored = totp.secret_encrypt(secret)

    assert secret not in stored
    assert totp.secret_decrypt(stored) == secret


def test_a_secret_encrypted_under_a_key_no_longer_held_is_unreadable(settings, secret):
    stored = totp.secret_encrypt(secret)
    settings.AUTHSITE_MFA_KEY = "Pl1n4p8fC1fKkQ2uWx6v1S0Qm3cF3bq7oT9yZ6hJ8dA="

    with pytest.raises(totp.SecretUnreadable):
        totp.secret_decrypt(stored)


def test_a_second_key_rotates_in_without_losing_old_secrets(settings, secret):
    stored = totp.secret_encrypt(secret)
    settings.AUTHSITE_MFA_KEY = (
        "Pl1n4p8fC1fKkQ2uWx6v1S0Qm3cF3bq7oT9yZ6hJ8dA=," + settings.AUTHSITE_MFA_KEY
    )

    assert totp.secret_decrypt(stored) == secret


def test_the_enrolment_qr_code_is_inline_svg_of_the_otpauth_uri(secret):
    enrolment = totp.enrolment(secret=secret, account_name="alice")

    assert enrolment.uri.startswith("otpauth://totp/")
    assert f"secret={secret}" in enrolment.uri
    assert enrolment.qr_svg.startswith("<svg")
