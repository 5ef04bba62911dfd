"""``manage.py jwt_keys generate``: write a new key pair for RS256 or ES256."""

import os
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.tokens.keys import jwk_thumbprint, public_jwk


class Command(BaseCommand):
    help = (
        "generate: write a new private key (mode 0600) and its public key as PEM files "
        "and print the settings that use them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["generate"])
        parser.add_argument(
            "--algorithm",
            choices=["RS256", "ES256"],
            default=None,
            help="default: JWT_ALGORITHM when it is RS256 or ES256, else RS256",
        )
        parser.add_argument(
            "--directory",
            default=str(settings.VAR_DIR / "jwt"),
            help="where to write the files (default: var/jwt)",
        )

    def handle(
        self,
        *args: Any,
        action: str,
        algorithm: str | None,
        directory: str,
        **kw: Any,
    ) -> None:
        if algorithm is None:
            configured = settings.JWT_ALGORITHM
            algorithm = configured if configured in ("RS256", "ES256") else "RS256"
        private_key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
        if algorithm == "RS256":
            private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        else:
            private_key = ec.generate_private_key(ec.SECP256R1())
        public_key = private_key.public_key()
        kid = jwk_thumbprint(public_jwk(public_key))

        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        private_path = folder / f"{kid}.private.pem"
        public_path = folder / f"{kid}.public.pem"
        if private_path.exists():
            raise CommandError(f"{private_path} exists already.")
        private_pem = private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        descriptor = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(private_pem)
        public_path.write_bytes(
            public_key.public_bytes(
                serialization.Encoding.PEM,
                serialization.PublicFormat.SubjectPublicKeyInfo,
            )
        )
        self.stdout.write(f"kid {kid}")
        self.stdout.write(f"JWT_ALGORITHM={algorithm}")
        self.stdout.write(f"JWT_SIGNING_KEY_FILE={private_path}")
        self.stdout.write(
            f"# keep the previous public key in JWT_VERIFYING_KEY_FILES until tokens it "
            f"signed expire; this one's public half: {public_path}"
        )
