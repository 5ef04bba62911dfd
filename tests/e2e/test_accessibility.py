"""axe-core finds nothing on any page the project draws.

Every page of the site's own templates, signed out and signed in, with form errors and
flash messages, the error pages and the admin pages the project templates, at 390 and
1280 px, in light and dark, in English and Korean. Left out, by name:

- the admin's other pages (index, change lists, change forms): Django's own templates;
- /api/docs/: Swagger UI's own page.
"""

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import Page, expect

from tests.e2e.axe import violations
from tests.factories import PASSWORD, make_user
from tests.helpers.mfa import totp_code

# Over the default run's budget: `make test-slow` runs it (CI does too).
pytestmark = pytest.mark.slow

NEW_PASSWORD = "a-Brand-new-passphrase-7"


@pytest.fixture
def error_views(settings):
    """The site's URLs plus views that fail on purpose (400, 403, 500, 503)."""
    settings.ROOT_URLCONF = "tests.urls_errors"


def submit(page: Page) -> None:
    """Send the page's main form (its labels are in the page's language)."""
    with page.expect_navigation():
        page.locator("main form.card button[type=submit]").click()


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    submit(page)


def reset_link(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return f"/accounts/password/reset/{uid}/{default_token_generator.make_token(user)}/"


def signed_out_pages(page: Page, user) -> list[str]:
    found = []

    def check(name: str, path: str | None = None) -> None:
        if path is not None:
            page.goto(path)
        found.extend(violations(page, name))

    check("home", "/")
    check("sign in", "/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "wrong-password")
    submit(page)
    check("sign in, wrong password")
    check("sign up", "/accounts/signup/")
    page.fill("input[name=username]", "bad@name")
    page.fill("input[name=password1]", "password")
    page.fill("input[name=password2]", "passwords")
    submit(page)
    check("sign up, errors")
    check("email verification code", "/accounts/email/verify/")
    page.fill("input[name=email]", "not-an-email")
    page.fill("input[name=code]", "12")
    submit(page)
    check("email verification code, errors")
    check("email verification, send again", "/accounts/email/verify/resend/")
    check("email verification, expired link", "/accounts/email/verify/nope/")
    check("password reset", "/accounts/password/reset/")
    page.fill("input[name=email]", user.email)
    submit(page)
    check("password reset, mail sent")
    check("password reset, broken link", "/accounts/password/reset/MQ/nope/")
    check("password reset, new password", reset_link(user))
    page.fill("input[name=new_password1]", "short")
    page.fill("input[name=new_password2]", "short")
    submit(page)
    check("password reset, errors")
    check("password reset, done", "/accounts/password/reset/complete/")
    check("sign out page, signed out", "/accounts/logout/")
    check("400", "/errors/400/")
    check("403", "/errors/403/")
    check("404", "/no-such-page/")
    check("405", "/accounts/language/")
    check("500", "/errors/500/")
    check("503", "/errors/503/")
    page.goto("/accounts/login/")
    page.context.clear_cookies()
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    submit(page)
    check("403 CSRF failure")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        page.goto("/admin/login/")
        page.fill("input[name=username]", "locked-out")
        page.fill("input[name=password]", "wrong-password")
        with page.expect_navigation():
            page.locator("input[type=submit]").click()
    check("429 sign-in locked")
    return found


def signed_in_pages(page: Page, user) -> list[str]:
    found = []

    def check(name: str, path: str | None = None) -> None:
        if path is not None:
            page.goto(path)
        found.extend(violations(page, name))

    sign_in(page, user.username)
    check("home, signed in")
    check("profile", "/accounts/profile/")
    page.fill("input[name=email]", "not-an-email")
    submit(page)
    check("profile, errors")
    page.goto("/accounts/profile/")
    page.fill("input[name=first_name]", "Minji")
    submit(page)
    check("profile, flash message")
    check("sessions", "/accounts/sessions/")
    check("passkeys", "/accounts/mfa/passkeys/")
    check("sign out page", "/accounts/logout/")
    check("re-authentication", "/accounts/reauthenticate/?next=/accounts/delete/")
    page.fill("input[name=password]", "wrong")
    submit(page)
    check("re-authentication, errors")
    check("account deletion", "/accounts/delete/")
    page.fill("input[name=username]", "someone-else")
    submit(page)
    check("account deletion, errors")
    check("password change", "/accounts/password/change/")
    page.fill("input[name=old_password]", "wrong")
    page.fill("input[name=new_password1]", "12345678")
    page.fill("input[name=new_password2]", "12345678")
    submit(page)
    check("password change, errors")
    page.fill("input[name=old_password]", PASSWORD)
    page.fill("input[name=new_password1]", NEW_PASSWORD)
    page.fill("input[name=new_password2]", NEW_PASSWORD)
    submit(page)
    check("password change, done")
    check("second factors", "/accounts/mfa/")
    check("authenticator app, set up", "/accounts/mfa/totp/")
    key = page.locator("#totp-secret").inner_text()
    page.fill("input[name=code]", "000000")
    submit(page)
    check("authenticator app, wrong code")
    page.fill("input[name=code]", totp_code(key, steps=-1))
    submit(page)
    check("recovery codes, shown once")
    check("recovery codes", "/accounts/mfa/recovery-codes/")
    check("authenticator app, on", "/accounts/mfa/totp/")
    page.context.clear_cookies()
    sign_in(page, user.username, NEW_PASSWORD)
    check("second step")
    page.fill("input[name=code]", "000000")
    submit(page)
    check("second step, wrong code")
    page.fill("input[name=code]", totp_code(key))
    submit(page)
    return found


def admin_pages(page: Page, staff) -> list[str]:
    sign_in(page, staff.username)
    page.goto("/admin/accounts/livesession/")
    found = violations(page, "admin: live sessions")
    page.goto(f"/admin/accounts/livesession/?user={staff.username}")
    found += violations(page, "admin: live sessions of a user")
    return found


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("locale", ["en-US", "ko-KR"])
def test_no_page_breaks_an_axe_rule(
    browser, live_server, error_views, locale, color_scheme
):
    user = make_user(username="minji", email="minji@example.com")
    staff = make_user(username="admin", is_staff=True, is_superuser=True)
    context = browser.new_context(
        base_url=live_server.url, locale=locale, color_scheme=color_scheme
    )
    page = context.new_page()
    language = locale[:2]

    found = signed_out_pages(page, user)
    expect(page.locator("html")).to_have_attribute("lang", language)
    found += signed_in_pages(page, user)
    context.clear_cookies()
    found += admin_pages(page, staff)
    context.close()

    assert not found, "\n".join(found)
