"""Passkeys (WebAuthn): registration and sign-in ceremonies, with py_webauthn.

Each passkey is an ``Authenticator`` row of kind ``passkey`` whose ``data`` holds the
credential id (base64url), the COSE public key (base64url), the signature counter, the
transports the browser reported, the AAGUID, the backup flags and the user handle.

The relying party is the site at AUTHSITE_SITE_URL: its host is the RP id and its
scheme and host the one origin accepted, never the request's Host header (which the
client writes). Each ceremony's challenge is kept and taken once by
accounts.mfa.passkey_challenges.
"""

import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from webauthn import (
    base64url_to_bytes,
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    CredentialDeviceType,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from accounts.mfa.passkey_challenges import (
    CHALLENGE_SECONDS,
    challenge_keep,
    challenge_take,
)
from accounts.models import Authenticator, User

RP_NAME = "authsite"
REGISTER = "register"
SIGN_IN = "sign_in"
NAME_MAX_LENGTH = 100


class PasskeyError(Exception):
    """A passkey ceremony failed; ``code`` is what the API answers."""

    code = "passkey_invalid"


class ChallengeMissing(PasskeyError):
    """No live challenge for this browser or client: never asked, expired or used."""

    code = "challenge_invalid"


class CredentialInvalid(PasskeyError):
    """The browser's response is malformed or does not verify."""

    code = "credential_invalid"


class CredentialUnknown(PasskeyError):
    """No passkey of an active account has this credential id."""

    code = "credential_unknown"


class CredentialRegistered(PasskeyError):
    """This credential is already registered (to this or another account)."""

    code = "credential_registered"


@dataclass(frozen=True)
class RelyingParty:
    id: str
    origin: str


def relying_party() -> RelyingParty:
    """The RP id and origin, from AUTHSITE_SITE_URL (read at call time)."""
    site = urlsplit(settings.AUTHSITE_SITE_URL)
    return RelyingParty(id=site.hostname or "", origin=f"{site.scheme}://{site.netloc}")


def _credential_json(credential: Any) -> dict[str, Any]:
    if isinstance(credential, str):
        try:
            credential = json.loads(credential)
        except ValueError as exc:
            raise CredentialInvalid from exc
    if not isinstance(credential, dict):
        raise CredentialInvalid
    return credential


def passkeys_of(*, user: User) -> list[Authenticator]:
    """The user's passkeys, by name."""
    return list(
        Authenticator.objects.filter(
            user=user, kind=Authenticator.Kind.PASSKEY
        ).order_by("name", "pk")
    )


def _user_handle(user: User) -> bytes:
    # One opaque handle per account (never its id), shared by its passkeys, so a
    # browser can tell they belong to the same account.
    for passkey in passkeys_of(user=user):
        handle = passkey.data.get("user_handle")
        if isinstance(handle, str):
            return base64url_to_bytes(handle)
    return secrets.token_bytes(32)


def registration_begin(*, user: User, binding: str) -> dict[str, Any]:
    """Start adding a passkey: keep a challenge, answer the creation options (JSON)."""
    rp = relying_party()
    handle = _user_handle(user)
    options = generate_registration_options(
        rp_id=rp.id,
        rp_name=RP_NAME,
        user_name=user.get_username(),
        user_id=handle,
        user_display_name=user.get_username(),
        timeout=CHALLENGE_SECONDS * 1000,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(
                id=base64url_to_bytes(passkey.data["credential_id"])
            )
            for passkey in passkeys_of(user=user)
        ],
    )
    challenge_keep(
        purpose=REGISTER,
        binding=binding,
        challenge=options.challenge,
        user_id=user.pk,
        user_handle=handle,
    )
    result: dict[str, Any] = json.loads(options_to_json(options))
    return result


def _transports(credential: Mapping[str, Any]) -> list[str]:
    response = credential.get("response")
    reported = response.get("transports") if isinstance(response, dict) else None
    known = {transport.value for transport in AuthenticatorTransport}
    if not isinstance(reported, list):
        return []
    return [t for t in reported if isinstance(t, str) and t in known]


def _default_name(user: User) -> str:
    count = Authenticator.objects.filter(
        user=user, kind=Authenticator.Kind.PASSKEY
    ).count()
    return f"Passkey {count + 1}"


def registration_complete(
    *, user: User, binding: str, credential: Any, name: str = ""
) -> Authenticator:
    """Verify the browser's new credential against this binding's challenge and keep it.

    Raises ChallengeMissing, CredentialInvalid or CredentialRegistered.
    """
    credential = _credential_json(credential)
    kept = challenge_take(purpose=REGISTER, binding=binding, user_id=user.pk)
    if kept is None:
        raise ChallengeMissing
    rp = relying_party()
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(kept["challenge"]),
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            require_user_verification=True,
        )
    # py_webauthn raises its own errors for what it checks, and ValueError (base64)
    # or KeyError/TypeError for some shapes of JSON it parses without checking.
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        raise CredentialInvalid from exc
    credential_id = bytes_to_base64url(verified.credential_id)
    with transaction.atomic():
        if Authenticator.objects.filter(
            kind=Authenticator.Kind.PASSKEY, data__credential_id=credential_id
        ).exists():
            raise CredentialRegistered
        return Authenticator.objects.create(
            user=user,
            kind=Authenticator.Kind.PASSKEY,
            name=(name.strip() or _default_name(user))[:NAME_MAX_LENGTH],
            data={
                "credential_id": credential_id,
                "public_key": bytes_to_base64url(verified.credential_public_key),
                "sign_count": verified.sign_count,
                "transports": _transports(credential),
                "aaguid": verified.aaguid,
                "backup_eligible": verified.credential_device_type
                == CredentialDeviceType.MULTI_DEVICE,
                "backed_up": verified.credential_backed_up,
                # The handle the browser was given with this challenge.
                "user_handle": kept["user_handle"],
            },
        )


def authentication_begin(*, binding: str, user: User | None = None) -> dict[str, Any]:
    """Start a passkey sign-in: keep a challenge, answer the request options (JSON).

    Without a user (sign-in without a password) the browser offers any passkey it holds
    for this site (discoverable credentials); with one (second factor), that user's.
    """
    rp = relying_party()
    options = generate_authentication_options(
        rp_id=rp.id,
        timeout=CHALLENGE_SECONDS * 1000,
        allow_credentials=[
            PublicKeyCredentialDescriptor(
                id=base64url_to_bytes(passkey.data["credential_id"]),
                transports=[
                    AuthenticatorTransport(t)
                    for t in passkey.data.get("transports", [])
                ],
            )
            for passkey in (passkeys_of(user=user) if user else [])
        ],
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    challenge_keep(
        purpose=SIGN_IN,
        binding=binding,
        challenge=options.challenge,
        user_id=user.pk if user else None,
    )
    result: dict[str, Any] = json.loads(options_to_json(options))
    return result


def authentication_complete(
    *, binding: str, credential: Any, user: User | None = None
) -> Authenticator:
    """Verify a passkey assertion against this binding's challenge; answer the passkey.

    With a user, only that user's passkeys count. Updates the signature counter, the
    backup flag and the last use. Raises ChallengeMissing, CredentialUnknown or
    CredentialInvalid.
    """
    credential = _credential_json(credential)
    kept = challenge_take(
        purpose=SIGN_IN, binding=binding, user_id=user.pk if user else None
    )
    if kept is None:
        raise ChallengeMissing
    credential_id = credential.get("rawId") or credential.get("id")
    if not isinstance(credential_id, str):
        raise CredentialInvalid
    passkeys = Authenticator.objects.select_related("user").filter(
        kind=Authenticator.Kind.PASSKEY,
        data__credential_id=credential_id,
        user__is_active=True,
    )
    if user is not None:
        passkeys = passkeys.filter(user=user)
    passkey = passkeys.first()
    if passkey is None:
        raise CredentialUnknown
    response = credential.get("response")
    handle = response.get("userHandle") if isinstance(response, dict) else None
    # A discoverable credential names its account: it must be the passkey's.
    if handle and handle != passkey.data.get("user_handle"):
        raise CredentialInvalid
    rp = relying_party()
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(kept["challenge"]),
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            credential_public_key=base64url_to_bytes(passkey.data["public_key"]),
            credential_current_sign_count=int(passkey.data.get("sign_count", 0)),
            require_user_verification=True,
        )
    # As in registration_complete: the library's errors and those of unchecked JSON.
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        raise CredentialInvalid from exc
    passkey.data = {
        **passkey.data,
        "sign_count": verified.new_sign_count,
        "backup_eligible": verified.credential_device_type
        == CredentialDeviceType.MULTI_DEVICE,
        "backed_up": verified.credential_backed_up,
    }
    passkey.last_used_at = timezone.now()
    passkey.save(update_fields=["data", "last_used_at"])
    return passkey


def passkey_amr(passkey: Authenticator) -> list[str]:
    """RFC 8176 methods of a passkey sign-in: "swk" for a credential that can be
    synced (backup eligible), "hwk" for one bound to its device; "user" for the user
    verification every passkey sign-in requires."""
    return ["swk" if passkey.data.get("backup_eligible") else "hwk", "user"]


def second_factor_amr(passkey: Authenticator) -> list[str]:
    """RFC 8176 methods of a password sign-in completed with a passkey."""
    return ["pwd", *passkey_amr(passkey), "mfa"]


def passkey_rename(*, user: User, passkey_id: int, name: str) -> Authenticator | None:
    """Rename one of the user's passkeys; None when the user has no such passkey."""
    passkey = Authenticator.objects.filter(
        user=user, kind=Authenticator.Kind.PASSKEY, pk=passkey_id
    ).first()
    if passkey is None:
        return None
    passkey.name = name.strip()[:NAME_MAX_LENGTH] or passkey.name
    passkey.save(update_fields=["name"])
    return passkey


def passkey_remove(*, user: User, passkey_id: int) -> Authenticator | None:
    """Remove one of the user's passkeys; answer it, or None when there is none."""
    passkey = Authenticator.objects.filter(
        user=user, kind=Authenticator.Kind.PASSKEY, pk=passkey_id
    ).first()
    if passkey is not None:
        passkey.delete()
    return passkey
