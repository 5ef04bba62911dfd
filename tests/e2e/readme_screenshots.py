"""``make screenshots``: the README's pictures of the site, at phone and desktop widths.

Serves the site with gunicorn on a fresh SQLite database and an embedded Redis, drives
the system Chromium, and writes ``docs/screenshots/<page>-<width><variant>.png`` for
each language and theme in ``VARIANTS`` (English and light: no suffix). To add a page,
add an entry to ``PAGES``. Every signed-in shot has an account of its own, named
``sam<n>`` in the order of the shots, so the names are the same on every run.
"""

import itertools
import os
import sys
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path

import django
import pyotp
from PIL import Image
from playwright.sync_api import Page, sync_playwright

from authsite.embedded_redis import EmbeddedRedis
from tests.e2e.browser import CHROMIUM_ARGS, chromium_executable
from tests.helpers.live_site import BASE_DIR, Gunicorn, manage, site_env

OUTPUT_DIR = BASE_DIR / "docs" / "screenshots"
DEMO_PASSWORD = "correct-Horse-battery-9"
# The other device on the sessions page: a phone's browser, as a person would have.
PHONE_USER_AGENT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
WIDTHS = {"phone": 390, "desktop": 1280}
# File name suffix -> the browser's language and colour scheme.
VARIANTS: dict[str, dict[str, str]] = {
    "": {"locale": "en-US", "color_scheme": "light"},
    "-dark": {"locale": "en-US", "color_scheme": "dark"},
    "-ko": {"locale": "ko-KR", "color_scheme": "light"},
    "-ko-dark": {"locale": "ko-KR", "color_scheme": "dark"},
}
_accounts = itertools.count(1)


def _submit(page: Page) -> None:
    # By the form's place, not its labels: the page may be in either language.
    with page.expect_navigation():
        page.locator("main form.card button[type=submit]").click()


def _sign_in(page: Page, *, login: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", login)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.check("input[name=remember_me]")
    _submit(page)


# A site's environment (its database): what a step hands to manage.py.
Env = dict[str, str]


def _anonymous(page: Page, env: Env) -> None:
    """Nothing to do before the page: the visitor is not signed in."""


def _signed_in(page: Page, env: Env) -> str:
    """A new account, signed up in this browser: its language is the browser's."""
    name = f"sam{next(_accounts)}"
    page.goto("/accounts/signup/")
    page.fill("input[name=username]", name)
    page.fill("input[name=email]", f"{name}@example.com")
    page.fill("input[name=password1]", DEMO_PASSWORD)
    page.fill("input[name=password2]", DEMO_PASSWORD)
    page.check("input[name=remember_me]")
    _submit(page)
    return name


def _signed_in_on_two_devices(page: Page, env: Env) -> None:
    """A new account, signed in here and on a phone: two sessions, a short history."""
    name = _signed_in(page, env)
    browser = page.context.browser
    assert browser is not None
    phone = browser.new_context(
        base_url=page.url.rstrip("/"), user_agent=PHONE_USER_AGENT
    )
    _sign_in(phone.new_page(), login=name)
    phone.close()


def _enrolment(page: Page, env: Env) -> str:
    """A new account on the page that sets up the app: its QR code and key (the
    password given at sign-up is recent enough, no re-authentication)."""
    name = _signed_in(page, env)
    page.goto("/accounts/mfa/totp/")
    return name


def _authenticator_app_turned_on(page: Page, env: Env) -> str:
    """A new account that turns the app on, with the code an app would show for the
    key on the page: the recovery codes, shown this once, are on the page."""
    name = _enrolment(page, env)
    key = page.locator("#totp-secret").inner_text()
    page.fill("input[name=code]", pyotp.TOTP(key).now())
    _submit(page)
    page.locator("#recovery-codes").wait_for()
    return name


def _at_second_step(page: Page, env: Env) -> None:
    """A new account with the app, signed out and signed in again with its password:
    the sign-in waits for the second step."""
    name = _authenticator_app_turned_on(page, env)
    with page.expect_navigation():
        page.locator("header nav form button[type=submit]").click()
    _sign_in(page, login=name)


# Two passkeys written straight into the database, as if added in a browser: a
# picture of the lists needs no authenticator. Format with the username.
_STORE_PASSKEYS = """
import secrets
from datetime import timedelta
from django.utils import timezone
from accounts.models import Authenticator, User
user = User.objects.get(username={username!r})
handle = secrets.token_urlsafe(32)
for name, used in (("Laptop", timezone.now() - timedelta(hours=2)), ("Phone", None)):
    Authenticator.objects.create(
        user=user, kind=Authenticator.Kind.PASSKEY, name=name, last_used_at=used,
        data={{"credential_id": secrets.token_urlsafe(32), "user_handle": handle}},
    )
"""


def _with_passkeys(page: Page, env: Env) -> str:
    """A new account with two passkeys: "Laptop", used two hours ago, and "Phone",
    never used."""
    name = _signed_in(page, env)
    manage(env, "shell", "-c", _STORE_PASSKEYS.format(username=name))
    return name


def _with_every_factor(page: Page, env: Env) -> None:
    """A new account with the app, its recovery codes and two passkeys."""
    name = _authenticator_app_turned_on(page, env)
    manage(env, "shell", "-c", _STORE_PASSKEYS.format(username=name))


# name -> (path, what to do first); no path: the page the first steps end on (an
# answer to a form, which a new request would not show again).
PAGES: dict[str, tuple[str | None, Callable[[Page, Env], object]]] = {
    "login": ("/accounts/login/", _anonymous),
    "home-signed-in": ("/", _signed_in),
    "profile": ("/accounts/profile/", _signed_in),
    "sessions": ("/accounts/sessions/", _signed_in_on_two_devices),
    "mfa": ("/accounts/mfa/", _with_every_factor),
    "mfa-totp": ("/accounts/mfa/totp/", _enrolment),
    "mfa-recovery-codes": (None, _authenticator_app_turned_on),
    "login-mfa": ("/accounts/login/mfa/", _at_second_step),
    "mfa-passkeys": ("/accounts/mfa/passkeys/", _with_passkeys),
}


def png_shrink(path: Path, *, colors: int = 64) -> None:
    """Rewrite a screenshot with a palette of ``colors``: a third of the bytes, and
    flat page colours and anti-aliased text survive it."""
    with Image.open(path) as image:
        palette = image.convert("RGB").quantize(
            colors=colors, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        )
    palette.save(path, "PNG", optimize=True)


def screenshots_take(base_url: str, *, output_dir: Path, env: Env) -> list[Path]:
    """Shoot every page in PAGES at every width, in every language and theme of
    VARIANTS (each signed-in shot with an account of its own, in its language)."""
    output_dir.mkdir(parents=True, exist_ok=True)
    saved = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_executable(), args=CHROMIUM_ARGS
        )
        try:
            shots = itertools.product(PAGES.items(), WIDTHS.items(), VARIANTS.items())
            for (name, (path, prepare)), (label, width), (suffix, look) in shots:
                context = browser.new_context(
                    base_url=base_url,
                    viewport={"width": width, "height": 720},
                    device_scale_factor=1,
                    **look,  # type: ignore[arg-type]
                )
                page = context.new_page()
                prepare(page, env)
                if path is not None:
                    page.goto(path)
                target = output_dir / f"{name}-{label}{suffix}.png"
                page.screenshot(path=str(target), full_page=True)
                png_shrink(target)
                saved.append(target)
                context.close()
        finally:
            browser.close()
    return saved


def main(argv: list[str]) -> int:
    output_dir = Path(argv[0]).resolve() if argv else OUTPUT_DIR
    workdir = Path(tempfile.mkdtemp(prefix="authsite-screenshots-"))
    with EmbeddedRedis(workdir / "redis") as redis_server:
        env = site_env(
            database_url=f"sqlite:///{workdir / 'db.sqlite3'}",
            redis_url=redis_server.url,
            key_prefix=f"screenshots-{uuid.uuid4().hex[:8]}",
            var_dir=workdir,
            # The demo accounts sign up and are signed in at once: the pictures show
            # the site in use, not the verification step.
            AUTHSITE_EMAIL_VERIFICATION="none",
            # Every shot signs up an account of its own, all from this address.
            AUTHSITE_THROTTLE_SIGNUP_FORM="",
        )
        manage(env, "migrate", "--no-input")
        server = Gunicorn(env, log_path=workdir / "gunicorn.log")
        # The site at its own address, as a deployment sets AUTHSITE_SITE_URL: the
        # passkey requests' relying party is its host, which cannot be an IP address
        # (elsewhere the sign-in page's passkey offer fails and says so).
        site_url = f"http://localhost:{server.port}"
        env["AUTHSITE_SITE_URL"] = site_url
        with server:
            for path in screenshots_take(site_url, output_dir=output_dir, env=env):
                print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    # The steps read labels in the page's language through Django's catalogues.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "authsite.settings")
    django.setup()
    sys.exit(main(sys.argv[1:]))
