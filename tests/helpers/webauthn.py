"""A software WebAuthn authenticator for tests without a browser.

It makes real P-256 credentials and signs real assertions (``cryptography``), in the
JSON forms of WebAuthn Level 3 that a browser's ``PublicKeyCredential.toJSON()``
gives, so the site's verification (py_webauthn) runs unchanged. The browser tests use
Chromium's own virtual authenticator instead.
"""

import base64
import hashlib
import json
import secrets
import struct
from dataclasses import dataclass, field
from typing import Any

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

UP, UV, BE, BS, AT = 0x01, 0x04, 0x08, 0x10, 0x40


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def from_b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class SoftAuthenticator:
    origin: str
    rp_id: str
    user_verified: bool = True
    backup_eligible: bool = False
    key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    credential_id: bytes = field(default_factory=lambda: secrets.token_bytes(16))
    user_handle: bytes = b""
    sign_count: int = 0

    def _flags(self, *extra: int) -> int:
        flags = UP | (UV if self.user_verified else 0)
        flags |= BE | BS if self.backup_eligible else 0
        for bit in extra:
            flags |= bit
        return flags

    def _client_data(self, kind: str, challenge: str, origin: str | None) -> bytes:
        return json.dumps(
            {
                "type": kind,
                "challenge": challenge,
                "origin": origin or self.origin,
                "crossOrigin": False,
            }
        ).encode()

    def create(
        self, options: dict[str, Any], *, origin: str | None = None
    ) -> dict[str, Any]:
        """Answer creation options as navigator.credentials.create() would."""
        self.user_handle = from_b64url(options["user"]["id"])
        numbers = self.key.public_key().public_numbers()
        cose_key = cbor2.dumps(
            {
                1: 2,
                3: -7,
                -1: 1,
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )
        auth_data = (
            hashlib.sha256(self.rp_id.encode()).digest()
            + bytes([self._flags(AT)])
            + struct.pack(">I", self.sign_count)
            + bytes(16)
            + struct.pack(">H", len(self.credential_id))
            + self.credential_id
            + cose_key
        )
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        client_data = self._client_data("webauthn.create", options["challenge"], origin)
        return {
            "id": b64url(self.credential_id),
            "rawId": b64url(self.credential_id),
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
            "response": {
                "clientDataJSON": b64url(client_data),
                "attestationObject": b64url(attestation),
                "transports": ["internal"],
            },
        }

    def get(
        self, options: dict[str, Any], *, origin: str | None = None
    ) -> dict[str, Any]:
        """Answer request options as navigator.credentials.get() would."""
        self.sign_count += 1
        auth_data = (
            hashlib.sha256(self.rp_id.encode()).digest()
            + bytes([self._flags()])
            + struct.pack(">I", self.sign_count)
        )
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        signature = self.key.sign(
            auth_data + hashlib.sha256(client_data).digest(),
            ec.ECDSA(hashes.SHA256()),
        )
        return {
            "id": b64url(self.credential_id),
            "rawId": b64url(self.credential_id),
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
            "response": {
                "clientDataJSON": b64url(client_data),
                "authenticatorData": b64url(auth_data),
                "signature": b64url(signature),
                "userHandle": b64url(self.user_handle),
            },
        }


def site_authenticator(*, backup_eligible: bool = False) -> SoftAuthenticator:
    """A software authenticator for this site's relying party, holding no passkey."""
    from accounts.mfa import passkeys

    rp = passkeys.relying_party()
    return SoftAuthenticator(
        origin=rp.origin, rp_id=rp.id, backup_eligible=backup_eligible
    )


def passkey_add(user: Any, *, backup_eligible: bool = False) -> SoftAuthenticator:
    """Register a passkey of ``user`` through the factor module; return the software
    authenticator that holds it."""
    from accounts.mfa import passkeys

    authenticator = site_authenticator(backup_eligible=backup_eligible)
    options = passkeys.registration_begin(user=user, binding="test:setup")
    passkeys.registration_complete(
        user=user, binding="test:setup", credential=authenticator.create(options)
    )
    return authenticator
