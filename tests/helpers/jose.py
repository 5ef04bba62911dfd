"""Building blocks of the token tests: key pairs made by `manage.py jwt_keys`, tokens
signed with any key, algorithm or header, JOSE encoding by hand, and a key server on
loopback that records whether anyone asked it for keys."""

import base64
import hashlib
import hmac
import io
import json
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import jwt
from django.core.cache import caches
from django.core.management import call_command
from django_redis import get_redis_connection
from rest_framework_simplejwt.token_blacklist.models import (
    BlacklistedToken,
    OutstandingToken,
)

from accounts.models import User
from accounts.tokens import keys


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64json(value) -> str:
    return b64(json.dumps(value).encode())


def hs256_with_secret(secret: bytes, header: dict, payload: dict) -> str:
    signing_input = f"{b64json(header)}.{b64json(payload)}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"


def claims_of(token: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))


def keys_generate(directory: Path, algorithm: str = "RS256") -> dict:
    """Run `manage.py jwt_keys generate` into ``directory``; return kid and the paths."""
    out = io.StringIO()
    call_command(
        "jwt_keys",
        "generate",
        algorithm=algorithm,
        directory=str(directory),
        stdout=out,
    )
    kid = out.getvalue().split()[1]
    return {
        "kid": kid,
        "private": directory / f"{kid}.private.pem",
        "public": directory / f"{kid}.public.pem",
    }


def token_sign(payload: dict, *, key=None, algorithm=None, headers=None) -> str:
    """Sign ``payload`` with the site's key, or with another key, algorithm or header."""
    site = keys.jwt_keys()
    # JWS over raw JSON bytes: PyJWT's jwt.encode would refuse some odd claims.
    return jwt.api_jws.encode(
        json.dumps(payload).encode(),
        site.signing_key if key is None else key,
        algorithm=algorithm or site.algorithm,
        headers={"kid": site.signing_kid} if headers is None else headers,
    )


def token_state(user: User) -> tuple:
    """What a refused token must leave as it was: refresh tokens claimed in Redis,
    outstanding and blacklisted tokens, users, the user's password and valid-after."""
    used_pattern = caches["default"].make_key("jwt:used:*")
    return (
        sorted(get_redis_connection("default").scan_iter(used_pattern)),
        OutstandingToken.objects.count(),
        BlacklistedToken.objects.count(),
        User.objects.count(),
        User.objects.values_list("password", "token_valid_after").get(pk=user.pk),
    )


class KeyServerHandler(BaseHTTPRequestHandler):
    """Answers every GET with the attacker's JWKS, and notes that it was asked."""

    def do_GET(self):
        self.server.requests.append(self.path)
        body = json.dumps(self.server.jwks).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass
