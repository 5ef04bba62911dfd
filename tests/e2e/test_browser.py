from tests.e2e.browser import screenshot_open_pages


def test_failure_screenshots_cover_every_open_page(browser, new_context, tmp_path):
    for path in ("/accounts/login/", "/accounts/signup/"):
        new_context().new_page().goto(path)

    saved = screenshot_open_pages(
        browser, directory=tmp_path, name="tests/e2e/test_x.py::test_y[chromium]"
    )

    assert [path.name for path in saved] == [
        "tests-e2e-test_x.py-test_y-chromium-context1-page1.png",
        "tests-e2e-test_x.py-test_y-chromium-context2-page1.png",
    ]
    assert all(path.read_bytes().startswith(b"\x89PNG") for path in saved)
