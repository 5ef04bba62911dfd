"""Playwright against the site on pytest-django's live server.

Why live_server and not a gunicorn of our own: the server runs in a thread of the test
process on the test database, so a test can create users and assert on the database
and Redis directly, and nothing has to be migrated or started per test.

Why DJANGO_ALLOW_ASYNC_UNSAFE: Playwright's sync API keeps an asyncio event loop running
in the test thread, and Django refuses ORM calls from a thread with a running loop. The
flag is set for this package only, and Playwright itself is scoped to this package (the
plugin's fixtures are session-wide), so the rest of the suite keeps Django's check. The
live server answers requests in threads of its own, without a loop.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import sync_playwright

from tests.e2e.browser import CHROMIUM_ARGS, chromium_executable, screenshot_open_pages

SCREENSHOT_DIR = Path(settings.BASE_DIR) / "var" / "screenshots"


@pytest.fixture(scope="package", autouse=True)
def _allow_orm_beside_playwright_loop():
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


# pytest-playwright's fixtures, narrowed from the session to this package, so that
# Playwright's event loop ends with the browser tests.
@pytest.fixture(scope="package")
def playwright(_pw_api_request_contexts):
    pw = sync_playwright().start()
    yield pw
    pw.stop()


@pytest.fixture(scope="package")
def browser_type(playwright, browser_name):
    return getattr(playwright, browser_name)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": chromium_executable(),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="package")
def launch_browser(browser_type_launch_args, browser_type):
    def launch(**kwargs):
        return browser_type.launch(**{**browser_type_launch_args, **kwargs})

    return launch


@pytest.fixture(scope="package")
def browser(launch_browser):
    browser = launch_browser()
    yield browser
    browser.close()


@pytest.fixture(scope="package")
def browser_context_args(live_server):
    return {"base_url": live_server.url, "viewport": {"width": 1280, "height": 800}}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failed browser test, save what every open page showed, under var/screenshots/."""
    outcome = yield
    report = outcome.get_result()
    browser = item.funcargs.get("browser") if hasattr(item, "funcargs") else None
    if report.when == "call" and report.failed and browser is not None:
        saved = screenshot_open_pages(
            browser, directory=SCREENSHOT_DIR, name=item.nodeid
        )
        report.sections.append(
            ("screenshots", "\n".join(str(path) for path in saved) or "no open pages")
        )
