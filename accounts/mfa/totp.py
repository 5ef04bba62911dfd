"""The authenticator-app factor: TOTP per RFC 6238 (SHA-1, 6 digits, 30 seconds).

pyotp makes and checks the codes, segno draws the enrolment QR code on the server and
cryptography's Fernet keeps the shared secret encrypted at rest, under the keys of
AUTHSITE_MFA_KEY (the first encrypts, each decrypts, so a new key can be rotated in).

A code is good for its own 30-second step and one step either side (a clock that is a
little off). Each accepted code moves ``last_step`` forward, and a code is accepted only
for a later step: a code seen once (read over a shoulder, replayed by a phishing proxy)
is refused in its own step and in the neighbouring ones.
"""

import time
from dataclasses import dataclass

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from pyotp.utils import strings_equal

DIGITS = 6
INTERVAL = 30
#: Steps either side of now whose code is still accepted (RFC 6238 section 5.2).
DRIFT_STEPS = 1


class SecretUnreadable(Exception):
    """The stored secret was encrypted with a key that AUTHSITE_MFA_KEY no longer holds."""


@dataclass(frozen=True)
class Enrolment:
    """What a user needs to add the account to an app: the secret as text, the
    ``otpauth://`` URI and that URI as an inline SVG QR code."""

    secret: str
    uri: str
    qr_svg: str


def _fernet() -> MultiFernet:
    keys = [key.strip() for key in settings.AUTHSITE_MFA_KEY.split(",") if key.strip()]
    return MultiFernet([Fernet(key) for key in keys])


def secret_new() -> str:
    """A new random secret: 32 base32 characters (160 bits, RFC 4226's recommendation)."""
    return pyotp.random_base32(length=32)


def secret_encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def secret_decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable from exc


def enrolment(*, secret: str, account_name: str) -> Enrolment:
    """The secret, its provisioning URI and the QR code of that URI."""
    uri = pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL).provisioning_uri(
        name=account_name, issuer_name=settings.AUTHSITE_MFA_ISSUER
    )
    svg = segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff")
    return Enrolment(secret=secret, uri=uri, qr_svg=svg)


def code_normalize(code: str) -> str:
    return "".join(code.split())


def code_step(*, secret: str, code: str, last_step: int | None) -> int | None:
    """The time step whose code ``code`` is, when it is within the drift and later
    than ``last_step``; None otherwise (wrong, too old or already used)."""
    code = code_normalize(code)
    if len(code) != DIGITS or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL)
    now_step = int(time.time()) // INTERVAL
    for step in range(now_step - DRIFT_STEPS, now_step + DRIFT_STEPS + 1):
        if last_step is not None and step <= last_step:
            continue
        if strings_equal(totp.at(step * INTERVAL), code):
            return step
    return None
