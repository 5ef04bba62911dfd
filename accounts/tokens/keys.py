"""JWT keys: the one signing key, the verifying keys by ``kid``, and the public JWKS.

HS256 signs and verifies with JWT_SIGNING_KEY. RS256 and ES256 sign with the private key
in JWT_SIGNING_KEY_FILE and verify with its public half plus every public key listed in
JWT_VERIFYING_KEY_FILES, so that a new key can sign while tokens from the previous one
stay valid until they expire. Each key's ``kid`` is its RFC 7638 thumbprint.
"""

import base64
import hashlib
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

SYMMETRIC_ALGORITHMS = ("HS256",)
ASYMMETRIC_ALGORITHMS = ("RS256", "ES256")
ALGORITHMS = SYMMETRIC_ALGORITHMS + ASYMMETRIC_ALGORITHMS


@dataclass(frozen=True)
class JWTKeys:
    algorithm: str
    signing_key: Any
    signing_kid: str
    verifying_keys: dict[str, Any] = field(default_factory=dict)
    public_jwks: list[dict[str, str]] = field(default_factory=list)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def public_jwk(public_key: Any) -> dict[str, str]:
    """The RFC 7517 JWK of an RSA or EC public key, without kid/alg/use."""
    if isinstance(public_key, rsa.RSAPublicKey):
        return RSAAlgorithm.to_jwk(public_key, as_dict=True)
    return ECAlgorithm.to_jwk(public_key, as_dict=True)


def jwk_thumbprint(jwk: dict[str, str]) -> str:
    """RFC 7638: SHA-256 of the required members, sorted, without whitespace."""
    required = ("e", "kty", "n") if jwk["kty"] == "RSA" else ("crv", "kty", "x", "y")
    canonical = json.dumps({k: jwk[k] for k in required}, separators=(",", ":"))
    return _b64url(hashlib.sha256(canonical.encode("ascii")).digest())


def hmac_kid(secret: bytes) -> str:
    """A key id for a shared secret: a one-way hash of it, never the secret itself."""
    return "hs-" + hashlib.sha256(b"authsite-jwt-kid:" + secret).hexdigest()[:16]


def _read_pem(path: str, setting: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ImproperlyConfigured(f"{setting}: cannot read {path}: {exc}") from exc


def _check_key_type(key: Any, algorithm: str, path: str) -> None:
    if algorithm == "RS256" and not isinstance(
        key, rsa.RSAPrivateKey | rsa.RSAPublicKey
    ):
        raise ImproperlyConfigured(f"{path} is not an RSA key, as RS256 needs.")
    if algorithm == "ES256" and not (
        isinstance(key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey)
        and isinstance(key.curve, ec.SECP256R1)
    ):
        raise ImproperlyConfigured(f"{path} is not a P-256 EC key, as ES256 needs.")


def keys_load(
    *,
    algorithm: str,
    signing_key: str,
    signing_key_file: str,
    verifying_key_files: list[str],
) -> JWTKeys:
    """Load and check the configured keys; raise ImproperlyConfigured naming the fault."""
    if algorithm not in ALGORITHMS:
        raise ImproperlyConfigured(
            f"JWT_ALGORITHM={algorithm!r} is not one of {', '.join(ALGORITHMS)}."
        )
    if algorithm in SYMMETRIC_ALGORITHMS:
        if not signing_key:
            raise ImproperlyConfigured("JWT_SIGNING_KEY is required for HS256.")
        secret = signing_key.encode("utf-8")
        kid = hmac_kid(secret)
        return JWTKeys(algorithm, secret, kid, {kid: secret})

    if not signing_key_file:
        raise ImproperlyConfigured(f"JWT_SIGNING_KEY_FILE is required for {algorithm}.")
    try:
        private_key = serialization.load_pem_private_key(
            _read_pem(signing_key_file, "JWT_SIGNING_KEY_FILE"), password=None
        )
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            f"JWT_SIGNING_KEY_FILE {signing_key_file} is not an unencrypted PEM private "
            f"key: {exc}"
        ) from exc
    _check_key_type(private_key, algorithm, signing_key_file)

    public_keys = [private_key.public_key()]
    for path in verifying_key_files:
        try:
            public_key = serialization.load_pem_public_key(
                _read_pem(path, "JWT_VERIFYING_KEY_FILES")
            )
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"JWT_VERIFYING_KEY_FILES: {path} is not a PEM public key: {exc}"
            ) from exc
        _check_key_type(public_key, algorithm, path)
        public_keys.append(public_key)

    verifying: dict[str, Any] = {}
    jwks: list[dict[str, str]] = []
    for public_key in public_keys:
        jwk = public_jwk(public_key)
        kid = jwk_thumbprint(jwk)
        if kid in verifying:
            continue
        verifying[kid] = public_key
        jwks.append({**jwk, "kid": kid, "alg": algorithm, "use": "sig"})
    return JWTKeys(algorithm, private_key, jwks[0]["kid"], verifying, jwks)


@cache
def jwt_keys() -> JWTKeys:
    """The keys configured in settings, loaded once per process."""
    return keys_load(
        algorithm=settings.JWT_ALGORITHM,
        signing_key=settings.JWT_SIGNING_KEY,
        signing_key_file=settings.JWT_SIGNING_KEY_FILE,
        verifying_key_files=list(settings.JWT_VERIFYING_KEY_FILES),
    )


@receiver(setting_changed, dispatch_uid="accounts.tokens.keys.reload")
def _reload_keys(*, setting: str, **kwargs: Any) -> None:
    if setting.startswith("JWT_"):
        jwt_keys.cache_clear()
