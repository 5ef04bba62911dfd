"""A production-configured site behind gunicorn, and a client that talks to it the way a
browser behind the TLS-terminating proxy does."""

import datetime
import sqlite3
import tempfile
import threading
import uuid
from http.cookies import SimpleCookie
from http.server import ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings

from accounts.tokens import keys
from tests.factories import PASSWORD
from tests.helpers.jose import KeyServerHandler, b64
from tests.helpers.live_site import Gunicorn, form_token, manage, site_env


class HttpsClient:
    """httpx with the proxy's X-Forwarded-Proto, a browser's Origin, and a cookie jar
    that keeps Secure cookies (httpx sends those over https only). Every Set-Cookie
    header seen is kept in ``set_cookies``."""

    def __init__(self, base_url: str, *, database: Path) -> None:
        self.database = database
        self.http = httpx.Client(base_url=base_url, timeout=60)
        self.origin = base_url.replace("http://", "https://", 1)
        self.cookies: dict[str, str] = {}
        self.set_cookies: list[str] = []

    def request(self, method: str, path: str, **kwargs) -> httpx.Response:
        headers = {"X-Forwarded-Proto": "https", **kwargs.pop("headers", {})}
        if method != "GET":
            headers.setdefault("Origin", self.origin)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = self.http.request(method, path, headers=headers, **kwargs)
        for header in response.headers.get_list("set-cookie"):
            self.set_cookies.append(header)
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value.strip('"'):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def get(self, path: str) -> httpx.Response:
        return self.request("GET", path)

    def post_form(self, path: str, data: dict, *, form_path: str | None = None):
        """GET the form page for its CSRF token, then POST ``data`` with it."""
        token = form_token(self.get(form_path or path).text)
        return self.request("POST", path, data={"csrfmiddlewaretoken": token, **data})

    def signup(self, username: str) -> httpx.Response:
        """Sign up, confirm the address, sign in; return the sign-in's answer."""
        signed_up = self.post_form(
            "/accounts/signup/",
            {
                "username": username,
                "email": f"{username}@example.com",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
        assert signed_up.status_code == 302, signed_up.text
        self.address_confirm(username)
        return self.post_form(
            "/accounts/login/", {"username": username, "password": PASSWORD}
        )

    def address_confirm(self, username: str) -> None:
        """What opening the verification link does (the message went to gunicorn's
        console, out of reach): the account's address counts as confirmed."""
        with sqlite3.connect(self.database) as connection:
            connection.execute(
                "UPDATE accounts_user SET email_verified = 1 WHERE username = ?",
                (username,),
            )

    def close(self) -> None:
        self.http.close()


@pytest.fixture(scope="package")
def production_site():
    """gunicorn with DEBUG off, on a migrated SQLite file and the tests' Redis."""
    workdir = Path(tempfile.mkdtemp(prefix="authsite-production-"))
    env = site_env(
        database_url=f"sqlite:///{workdir / 'db.sqlite3'}",
        redis_url=settings.REDIS_URL,
        key_prefix=settings.REDIS_KEY_PREFIX,
        var_dir=workdir,
        debug=False,
        # The timing probes send hundreds of posts from one address: per-address
        # limits would answer them all alike and measure nothing (they have tests of
        # their own).
        AUTHSITE_THROTTLE_LOGIN_FORM="",
        AUTHSITE_THROTTLE_PASSWORD_RESET="",
        AUTHSITE_THROTTLE_PASSWORD_RESET_ADDRESS="",
    )
    manage(env, "migrate", "--no-input")
    server = Gunicorn(env, log_path=workdir / "gunicorn.log")
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="package")
def production_database(production_site):
    """The production site's SQLite file."""
    return Path(production_site.env["DATABASE_URL"].removeprefix("sqlite:///"))


@pytest.fixture
def https_client(production_site, production_database):
    client = HttpsClient(production_site.url, database=production_database)
    yield client
    client.close()


@pytest.fixture
def unique_name():
    return f"u{uuid.uuid4().hex[:10]}"


# The RFC 8725 tests (test_rfc8725.py): an attacker's key and key server. The token
# fixtures (forge, claims, refused, accepted, rs256) are in tests/conftest.py.


@pytest.fixture
def attacker():
    """An attacker's RSA key, its self-signed certificate, and a key server on loopback
    that serves the key as a JWKS and records every request it gets."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = keys.public_jwk(private.public_key())
    kid = keys.jwk_thumbprint(jwk)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "authsite")])
    now = datetime.datetime.now(tz=datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(private, hashes.SHA256())
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), KeyServerHandler)
    server.requests = []
    server.jwks = {"keys": [{**jwk, "kid": kid, "alg": "RS256", "use": "sig"}]}
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {
        "key": private,
        "jwk": {**jwk, "kid": kid},
        "kid": kid,
        "x5c": [b64(cert.public_bytes(serialization.Encoding.DER))],
        "url": f"http://127.0.0.1:{server.server_port}/jwks.json",
        "requests": server.requests,
    }
    server.shutdown()
    server.server_close()
    thread.join()
