"""``make screenshots``: the README's pictures of the site, at phone and desktop widths.

Serves the site with gunicorn on a fresh SQLite database and an embedded Redis, drives
the system Chromium, and writes ``docs/screenshots/<page>-<width>.png``. To add a page
(the sessions page, after issue 3), add an entry to ``PAGES``.
"""

import sys
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from authsite.embedded_redis import EmbeddedRedis
from tests.e2e import steps
from tests.e2e.browser import CHROMIUM_ARGS, chromium_executable
from tests.live_site import BASE_DIR, Gunicorn, manage, site_env

OUTPUT_DIR = BASE_DIR / "docs" / "screenshots"
DEMO_PASSWORD = "correct-Horse-battery-9"
WIDTHS = {"phone": 390, "desktop": 1280}


def _anonymous(page: Page) -> None:
    """Nothing to do before the page: the visitor is not signed in."""


def _signed_in(page: Page) -> None:
    steps.sign_in(page, login="demo", password=DEMO_PASSWORD)


# name -> (path, what to do first)
PAGES: dict[str, tuple[str, Callable[[Page], None]]] = {
    "login": ("/accounts/login/", _anonymous),
    "home-signed-in": ("/", _signed_in),
    "profile": ("/accounts/profile/", _signed_in),
}


def screenshots_take(base_url: str, *, output_dir: Path) -> list[Path]:
    """Sign up a demo user, then shoot every page in PAGES at every width."""
    output_dir.mkdir(parents=True, exist_ok=True)
    saved = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_executable(), args=CHROMIUM_ARGS
        )
        try:
            setup = browser.new_page(base_url=base_url)
            steps.signup(
                setup, username="demo", email="demo@example.com", password=DEMO_PASSWORD
            )
            setup.close()
            for name, (path, prepare) in PAGES.items():
                for label, width in WIDTHS.items():
                    context = browser.new_context(
                        base_url=base_url,
                        viewport={"width": width, "height": 720},
                        device_scale_factor=1,
                    )
                    page = context.new_page()
                    prepare(page)
                    page.goto(path)
                    target = output_dir / f"{name}-{label}.png"
                    page.screenshot(path=str(target), full_page=True)
                    saved.append(target)
                    context.close()
        finally:
            browser.close()
    return saved


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="authsite-screenshots-"))
    with EmbeddedRedis(workdir / "redis") as redis_server:
        env = site_env(
            database_url=f"sqlite:///{workdir / 'db.sqlite3'}",
            redis_url=redis_server.url,
            key_prefix=f"screenshots-{uuid.uuid4().hex[:8]}",
            var_dir=workdir,
        )
        manage(env, "migrate", "--no-input")
        with Gunicorn(env, log_path=workdir / "gunicorn.log") as server:
            for path in screenshots_take(server.url, output_dir=OUTPUT_DIR):
                print(f"wrote {path.relative_to(BASE_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
