"""The system Chromium for Playwright, and screenshots of what a test left open.

Nothing here downloads a browser: the tests drive Debian's ``chromium`` package, which
``.ci/run`` installs with apt where it is missing.
"""

import re
import shutil
from pathlib import Path

from playwright.sync_api import Browser

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_executable() -> str:
    """The ``chromium`` on PATH (Debian's package); fail loudly when there is none."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        raise RuntimeError(
            "no chromium on PATH: install Debian's chromium package "
            "(apt-get install chromium; .ci/run does this)"
        )
    return found


def screenshot_open_pages(
    browser: Browser, *, directory: Path, name: str
) -> list[Path]:
    """Save a full-page PNG of every page open in ``browser``; return the files."""
    directory.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-")[:120]
    saved = []
    for context_number, context in enumerate(browser.contexts, start=1):
        for page_number, page in enumerate(context.pages, start=1):
            path = directory / f"{stem}-context{context_number}-page{page_number}.png"
            page.screenshot(path=str(path), full_page=True)
            saved.append(path)
    return saved
