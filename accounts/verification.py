"""Email verification: prove that a user reads an address, by a link or a code.

A verification is one message with a link (a random key) and a 6-digit code; the
database keeps only their hashes. The link's page confirms with a POST, so a mail
scanner that fetches links verifies nothing. Five wrong codes end a verification;
confirming uses it up. When the address is not the user's own, confirming it makes it
the user's address (an email change), and the old address is told (a security email).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import get_language, override

from accounts.emails import mail_after_response, security_email_send
from accounts.models import EmailVerification, User
from accounts.security.rate_limits import rate_limit_spend

#: Wrong codes that end a verification.
CODE_ATTEMPTS = 5


class VerificationInvalid(Exception):
    """The key or code matches no live verification (unknown, used, expired, ended)."""


class VerificationAddressTaken(Exception):
    """The address being confirmed became another account's in the meantime."""


class EmailAddressTaken(Exception):
    """Another account has this address already."""


def verification_mode() -> str:
    """``mandatory``, ``optional`` or ``none`` (AUTHSITE_EMAIL_VERIFICATION)."""
    return settings.AUTHSITE_EMAIL_VERIFICATION


def verification_mandatory() -> bool:
    """Whether signup waits for the address and sign-in refuses unverified ones."""
    return verification_mode() == "mandatory"


def verification_at_signup() -> bool:
    """Whether signup sends a verification (``mandatory`` or ``optional``)."""
    return verification_mode() in ("mandatory", "optional")


def sign_in_allowed(*, user: User) -> bool:
    """False for an account that must confirm its address before signing in."""
    return user.email_verified or not verification_mandatory()


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _code_hash(*, key_hash: str, code: str) -> str:
    return salted_hmac(
        "accounts.EmailVerification.code", f"{key_hash}|{code}", algorithm="sha256"
    ).hexdigest()


def _site_link(path: str) -> str:
    # From the configured address, never the request's Host (which the client writes).
    return f"{settings.AUTHSITE_SITE_URL}{path}"


def _mail(*, to: str, user: User, template: str, context: dict[str, object]) -> None:
    """Send ``accounts/email/<template>`` in the user's language (or the page's)."""
    with override(user.language or get_language()):
        context = {"user": user, "site_url": settings.AUTHSITE_SITE_URL, **context}
        subject = render_to_string(f"accounts/email/{template}_subject.txt", context)
        body = render_to_string(f"accounts/email/{template}.txt", context)
    # After the response, as the security emails: whether a message went (a new or
    # a registered address, a resend within its limit) must not show in the timing.
    mail_after_response(
        lambda: send_mail(
            subject=" ".join(subject.split()),
            message=body,
            from_email=None,
            recipient_list=[to],
        )
    )


def email_address_in_use(*, email: str, exclude: User | None = None) -> bool:
    """Whether an account (other than ``exclude``) has ``email``, in any letter case."""
    others = User.objects.filter(email__iexact=email)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    return others.exists()


@transaction.atomic
def email_verification_send(*, user: User, email: str | None = None) -> str:
    """Start a verification of ``email`` (the user's own address by default) and mail
    its link and code there; the user's earlier verifications of that address end.
    Return the verification's key (the tests read it; views do not need it)."""
    address = User.objects.normalize_email(email or user.email)
    EmailVerification.objects.filter(user=user, email__iexact=address).delete()
    key = secrets.token_urlsafe(32)
    code = f"{secrets.randbelow(10**6):06d}"
    key_hash = _key_hash(key)
    now = timezone.now()
    EmailVerification.objects.create(
        user=user,
        email=address,
        key_hash=key_hash,
        code_hash=_code_hash(key_hash=key_hash, code=code),
        created_at=now,
        expires_at=now + timedelta(seconds=settings.AUTHSITE_EMAIL_VERIFICATION_TTL),
    )
    link = _site_link(reverse("email_verify_key", args=[key]))
    template = "verify_change" if address.lower() != user.email.lower() else "verify"
    _mail(
        to=address,
        user=user,
        template=template,
        context={
            "link": link,
            "code": code,
            "code_page": _site_link(reverse("email_verify")),
            "days": max(1, settings.AUTHSITE_EMAIL_VERIFICATION_TTL // 86400),
        },
    )
    return key


def email_verification_by_key(*, key: str) -> EmailVerification | None:
    """The live verification whose link carries ``key``, or None."""
    return (
        EmailVerification.objects.select_related("user")
        .filter(key_hash=_key_hash(key), expires_at__gt=timezone.now())
        .first()
    )


def email_verification_pending(
    *, user: User | None = None, email: str = "", pk: int | None = None
) -> EmailVerification | None:
    """The newest live verification of ``user``, of the address ``email``, or with
    primary key ``pk`` (the browser that signed up keeps it), or None."""
    found = EmailVerification.objects.select_related("user").filter(
        expires_at__gt=timezone.now()
    )
    if user is not None:
        found = found.filter(user=user)
    if email:
        found = found.filter(email__iexact=User.objects.normalize_email(email))
    if pk is not None:
        found = found.filter(pk=pk)
    if user is None and not email and pk is None:
        return None
    return found.order_by("-created_at", "-pk").first()


@transaction.atomic
def email_verification_confirm(*, verification: EmailVerification) -> User:
    """Use ``verification`` up: its address is the user's and verified from now on.

    For a new address (an email change) the old one is told, with a link to secure the
    account. Raise VerificationAddressTaken when another account took the address
    meanwhile (nothing changes; the verification ends)."""
    user = User.objects.select_for_update().get(pk=verification.user_id)
    verification.delete()
    old_email = user.email
    if old_email.lower() == verification.email.lower():
        if not user.email_verified:
            user.email_verified = True
            user.save(update_fields=["email_verified"])
        return user
    if email_address_in_use(email=verification.email, exclude=user):
        raise VerificationAddressTaken
    user.email = verification.email
    user.email_verified = True
    user.save(update_fields=["email", "email_verified"])
    # The other pending verifications were for an address no longer wanted.
    EmailVerification.objects.filter(user=user).delete()
    # To the old address, with the password reset page: the new one may be a thief's.
    security_email_send(
        user=user,
        kind="email_changed",
        context={"old_email": old_email, "new_email": user.email},
    )
    return user


def email_verification_confirm_key(*, key: str) -> User:
    """Confirm the verification whose link carries ``key``; VerificationInvalid when
    none is live."""
    verification = email_verification_by_key(key=key)
    if verification is None:
        raise VerificationInvalid
    return email_verification_confirm(verification=verification)


def email_verification_confirm_code(
    *, verification: EmailVerification | None, code: str
) -> User:
    """Confirm ``verification`` with its 6-digit ``code``. A wrong code counts; the
    fifth ends the verification. VerificationInvalid for a wrong code or none."""
    if verification is None:
        # The same work as a wrong code: the answer says nothing of the address.
        _code_hash(key_hash="", code=code)
        raise VerificationInvalid
    expected = _code_hash(key_hash=verification.key_hash, code=code.strip())
    if constant_time_compare(expected, verification.code_hash):
        return email_verification_confirm(verification=verification)
    with transaction.atomic():
        row = (
            EmailVerification.objects.select_for_update()
            .filter(pk=verification.pk)
            .first()
        )
        if row is not None:
            row.wrong_codes += 1
            if row.wrong_codes >= CODE_ATTEMPTS:
                row.delete()
            else:
                row.save(update_fields=["wrong_codes"])
    raise VerificationInvalid


def _resend_allowed(*, client: str, email: str) -> bool:
    rate = settings.AUTHSITE_EMAIL_VERIFICATION_RESEND_RATE
    return not (
        rate_limit_spend(scope="verify-resend", ident=client, rate=rate)
        or rate_limit_spend(
            scope="verify-resend-address", ident=email.strip().lower(), rate=rate
        )
    )


def email_verification_resend(
    *, client: str, email: str = "", user: User | None = None
) -> bool:
    """Send a new verification: of ``user``'s pending address when signed in, else of
    the unverified account with ``email``. Throttled per client address and per target
    address. Return whether a message went (callers answer the same either way)."""
    if user is not None:
        pending = email_verification_pending(user=user)
        address = pending.email if pending is not None else user.email
        if pending is None and user.email_verified:
            return False
    else:
        address = User.objects.normalize_email(email)
        found = User.objects.filter(email__iexact=address, email_verified=False).first()
        if found is None:
            return False
        user = found
    if not address or not _resend_allowed(client=client, email=address):
        return False
    email_verification_send(user=user, email=address)
    return True


def signup_address_taken_notify(*, email: str, password: str, client: str) -> None:
    """Under mandatory verification, a signup with a registered address: tell its owner
    (with a link to reset the password) instead of saying so on the page. The password
    is hashed as a signup would, so the answer takes as long as for a new address."""
    make_password(password)
    owner = User.objects.filter(email__iexact=email).first()
    if owner is None or not _resend_allowed(client=client, email=owner.email):
        return
    _mail(
        to=owner.email,
        user=owner,
        template="signup_address_taken",
        context={
            "login_link": _site_link(reverse("login")),
            "reset_link": _site_link(reverse("password_reset")),
        },
    )


def email_change_request(*, user: User, email: str) -> str:
    """Ask to make ``email`` the user's address: a verification goes to it, and the
    address changes only when it is confirmed. Raise EmailAddressTaken when another
    account has it. Return the verification's key."""
    address = User.objects.normalize_email(email)
    if email_address_in_use(email=address, exclude=user):
        raise EmailAddressTaken
    return email_verification_send(user=user, email=address)
