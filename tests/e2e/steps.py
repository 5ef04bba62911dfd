"""What a person does on the site, one function per step, shared by the browser tests.

Each step drives the page the way a user would (labels and button names, not ids) and
waits for the page that follows. Labels are looked up in the page's own language (its
``<html lang>``), so the same steps walk the site in English and in Korean.
"""

from collections.abc import Callable

from django.utils import translation
from playwright.sync_api import Page, expect


def words(page: Page, text: str, **values: str) -> str:
    """``text`` (an English msgid) as the page shows it, in the page's language."""
    # A locator, not page.evaluate: it waits out a navigation that is under way.
    language = page.locator("html").get_attribute("lang") or "en"
    with translation.override(language):
        shown = translation.gettext(text)
    return shown % values if values else shown


def signup(page: Page, *, username: str, email: str, password: str) -> None:
    page.goto("/accounts/signup/")
    page.get_by_label(words(page, "Username"), exact=True).fill(username)
    page.get_by_label(words(page, "Email"), exact=True).fill(email)
    page.get_by_label(words(page, "Password"), exact=True).fill(password)
    page.get_by_label(words(page, "Password confirmation")).fill(password)
    page.get_by_role("button", name=words(page, "Create account")).click()
    expect_signed_in(page, username)


def sign_in(page: Page, *, login: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label(words(page, "Username or email")).fill(login)
    page.get_by_label(words(page, "Password"), exact=True).fill(password)
    page.get_by_role("button", name=words(page, "Sign in"), exact=True).click()


def profile_edit(page: Page, *, first_name: str, last_name: str) -> None:
    page.goto("/accounts/profile/")
    # Model fields: Django labels them with the verbose name, capitalised.
    page.get_by_label(words(page, "first name")).fill(first_name)
    page.get_by_label(words(page, "last name")).fill(last_name)
    page.get_by_role("button", name=words(page, "Save")).click()
    expect(page.get_by_role("status")).to_contain_text(
        words(page, "Your profile was saved.")
    )


def password_change(page: Page, *, old: str, new: str) -> None:
    page.goto("/accounts/password/change/")
    page.get_by_label(words(page, "Old password")).fill(old)
    page.get_by_label(words(page, "New password"), exact=True).fill(new)
    page.get_by_label(words(page, "New password confirmation")).fill(new)
    page.get_by_role("button", name=words(page, "Change password")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        words(page, "Password changed")
    )


def sign_out(page: Page) -> None:
    page.goto("/")
    page.get_by_role("navigation").get_by_role(
        "button", name=words(page, "Sign out")
    ).click()
    expect_signed_out(page)


def end_other_session_on_sessions_page(page: Page, *, sessions: int) -> None:
    """On /accounts/sessions/, see ``sessions`` rows, this device's marked, and end
    the one other session with its row's "Sign out" button."""
    page.goto("/accounts/sessions/")
    sign_out_label = words(page, "Sign out")
    this_device_label = words(page, "This device")
    rows = (
        page.get_by_role("table")
        .get_by_role("row")
        .filter(has=page.get_by_role("button", name=sign_out_label))
    )
    expect(rows).to_have_count(sessions)
    # This device comes first.
    expect(rows.first).to_contain_text(this_device_label)
    expect(rows.filter(has_text=this_device_label)).to_have_count(1)
    others = rows.filter(has_not_text=this_device_label)
    others.first.get_by_role("button", name=sign_out_label).click()
    expect(page.get_by_role("status")).to_contain_text(
        words(page, "That session was signed out.")
    )
    expect(rows).to_have_count(sessions - 1)


def expect_signed_in(page: Page, username: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(
        words(page, "Signed in as %(name)s", name=username)
    )


def expect_signed_out(page: Page) -> None:
    expect(page.get_by_text(words(page, "You are not signed in."))).to_be_visible()


def expect_signed_out_at_login(page: Page, *, reason: str | None = None) -> None:
    """A signed-out browser that asked for a private page is sent to the sign-in form,
    which says why when the server ended the session (``reason``, an English msgid)."""
    expect(page.get_by_role("heading", level=1)).to_have_text(words(page, "Sign in"))
    expect(page.get_by_label(words(page, "Username or email"))).to_be_visible()
    if reason is not None:
        expect(page.locator("#signed-out-reason")).to_have_text(words(page, reason))


def reauthenticate(page: Page, *, password: str) -> None:
    """On the page that asks for the password again, give it and go on."""
    expect(page.get_by_role("heading", level=1)).to_have_text(
        words(page, "Confirm your password")
    )
    page.get_by_label(words(page, "Password"), exact=True).fill(password)
    page.get_by_role("button", name=words(page, "Confirm"), exact=True).click()


def totp_turn_on(page: Page, *, code_for: Callable[[str], str]) -> str:
    """On /accounts/mfa/totp/, read the key shown beside the QR code, type the code an
    app would show for it (``code_for(key)``) and see the recovery codes; return the key."""
    page.goto("/accounts/mfa/totp/")
    expect(page.locator("#totp-qr svg")).to_be_visible()
    key = page.locator("#totp-secret").inner_text()
    page.get_by_label(words(page, "Code from the app")).fill(code_for(key))
    page.get_by_role("button", name=words(page, "Turn on")).click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    return key


def second_step(page: Page, *, code: str) -> None:
    """On the second step of a sign-in, type a code from the app."""
    expect(page.get_by_role("heading", level=1)).to_have_text(
        words(page, "Second step")
    )
    page.get_by_label(words(page, "Code"), exact=True).fill(code)
    page.get_by_role("button", name=words(page, "Sign in"), exact=True).click()
