"""Second factors for tests: an authenticator app turned on through the services, and
codes computed from its secret on the real clock, as an app would."""

import re
import time

import pyotp

from accounts.mfa import services
from accounts.models import User

STEP = 30


def totp_code(secret: str, *, steps: int = 0) -> str:
    """The app's code ``steps`` 30-second steps from now."""
    return pyotp.TOTP(secret).at(time.time() + steps * STEP)


def totp_enable(user: User) -> tuple[str, list[str]]:
    """Turn the app on for ``user``, confirmed with the previous step's code (so the
    current and next steps' codes are still unused). Return the secret and the
    recovery codes."""
    enrolment = services.mfa_totp_begin(user=user)
    codes = services.mfa_totp_confirm(
        user=user, code=totp_code(enrolment.secret, steps=-1)
    )
    assert codes is not None
    return enrolment.secret, codes


def secret_on_page(html: str) -> str:
    """The key the enrolment page shows as text."""
    match = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', html)
    assert match, "no key on the page"
    return match.group(1)


def recovery_codes_on_page(html: str) -> list[str]:
    block = re.search(r'<ul class="recovery-codes"[^>]*>(.*?)</ul>', html, re.S)
    assert block, "no recovery codes on the page"
    return re.findall(r"<code>([A-Z0-9-]+)</code>", block.group(1))
