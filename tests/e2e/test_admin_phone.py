"""Tables on a phone, at 390 px: the admin pages staff use on users fit (nothing
scrolls sideways), and the passkeys list, whose header row is hidden there, labels its
dates."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e import steps
from tests.factories import PASSWORD, make_user
from tests.helpers.webauthn import passkey_add

PHONE = {"width": 390, "height": 844}


def sideways(page: Page) -> int:
    """How many pixels the page is wider than the window (0 when it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.fixture
def staff_on_phone(page: Page):
    staff = make_user(
        username="admin", email="admin@example.com", is_staff=True, is_superuser=True
    )
    member = make_user(username="minji", email="minji@example.com")
    page.set_viewport_size(PHONE)
    # A live session of each, so that the sessions tables have rows to lay out.
    steps.sign_in(page, login="minji", password=PASSWORD)
    page.context.clear_cookies()
    steps.sign_in(page, login="admin", password=PASSWORD)
    return staff, member


def test_user_list_fits_a_phone(page, staff_on_phone):
    page.goto("/admin/accounts/user/")

    expect(page.get_by_role("link", name="minji", exact=True)).to_be_visible()
    assert sideways(page) <= 0


def test_change_page_of_the_staff_members_own_user_fits_a_phone(page, staff_on_phone):
    staff, _ = staff_on_phone
    page.goto(f"/admin/accounts/user/{staff.pk}/change/")

    expect(page.locator("input[name=username]")).to_have_value("admin")
    assert sideways(page) <= 0


def test_change_page_of_another_user_fits_a_phone(page, staff_on_phone):
    _, member = staff_on_phone
    page.goto(f"/admin/accounts/user/{member.pk}/change/")

    expect(page.locator("input[name=username]")).to_have_value("minji")
    assert sideways(page) <= 0


def test_live_sessions_page_fits_a_phone(page, staff_on_phone):
    page.goto("/admin/accounts/livesession/")

    expect(page.get_by_text("minji").first).to_be_visible()
    assert sideways(page) <= 0


def test_passkey_dates_keep_their_labels_on_a_phone(page):
    minji = make_user(username="minji", email="minji@example.com")
    page.set_viewport_size(PHONE)
    steps.sign_in(page, login="minji", password=PASSWORD)
    # After the sign-in: with a passkey the password alone would not sign in.
    passkey_add(minji)

    page.goto("/accounts/mfa/passkeys/")

    # The header row is hidden at this width: each date says what it is itself.
    row = page.get_by_role("row").filter(has=page.locator("time"))
    expect(row.get_by_role("cell", name=re.compile(r"^Added: "))).to_be_visible()
    expect(row.get_by_role("cell", name="Last used: Never")).to_be_visible()
    assert sideways(page) <= 0
