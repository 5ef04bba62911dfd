"""Building blocks of the RFC 8725 tests: JOSE encoding, hand-made HS256 signatures,
and a key server on loopback that records whether anyone asked it for keys."""

import base64
import hashlib
import hmac
import io
import json
from http.server import BaseHTTPRequestHandler

from django.core.management import call_command


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


def keys_generate(directory, algorithm: str) -> str:
    """Run `manage.py jwt_keys generate` into ``directory``; return the new kid."""
    out = io.StringIO()
    call_command(
        "jwt_keys",
        "generate",
        algorithm=algorithm,
        directory=str(directory),
        stdout=out,
    )
    return out.getvalue().split()[1]


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
