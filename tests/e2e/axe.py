"""axe-core in a Playwright page: every violation, named by page, width and rule,
and any page wider than the window."""

import json

from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import Page

WIDTHS = (1280, 390)
OPTIONS = json.dumps({"resultTypes": ["violations"]})


def violations(page: Page, name: str) -> list[str]:
    """Run axe-core on ``page`` at each of WIDTHS; one line per rule broken."""
    # Injected once per page load, run once per width.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    found = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        results = page.evaluate(f"axe.run(document, {OPTIONS})")
        # No page may scroll sideways, at a phone's width least of all.
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            found.append(f"{name} @{width}px: scrolls sideways to {scroll} px")
        for violation in results["violations"]:
            targets = [", ".join(node["target"]) for node in violation["nodes"]]
            found.append(
                f"{name} @{width}px: {violation['id']} ({violation['help']}) "
                f"on {targets[:3]}"
            )
    page.set_viewport_size({"width": WIDTHS[0], "height": 800})
    return found
