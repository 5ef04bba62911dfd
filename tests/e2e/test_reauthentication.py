"""Re-authentication in the browser: a sign-in older than AUTHSITE_REAUTH_TIMEOUT
is asked for its password before a sensitive page, then taken there."""

import re
from importlib import import_module

from django.conf import settings
from playwright.sync_api import expect

from accounts.models import User
from accounts.sessions.timeouts import STARTED_KEY
from tests.e2e import steps
from tests.factories import PASSWORD, make_user

NEW_PASSWORD = "a-Brand-new-passphrase-7"


def _sign_in_age(context, seconds: int) -> None:
    """Move the browser's sign-in ``seconds`` back in the session store."""
    key = next(
        c["value"]
        for c in context.cookies()
        if c["name"] == settings.SESSION_COOKIE_NAME
    )
    session = import_module(settings.SESSION_ENGINE).SessionStore(key)
    session[STARTED_KEY] = session[STARTED_KEY] - seconds
    session.save()


def test_old_sign_in_confirms_the_password_before_changing_it(new_context):
    make_user(username="rita", email="rita@example.com")
    context = new_context()
    page = context.new_page()
    steps.sign_in(page, login="rita", password=PASSWORD)
    steps.expect_signed_in(page, "rita")
    _sign_in_age(context, 10 * 60)

    page.goto("/accounts/password/change/")
    steps.reauthenticate(page, password=PASSWORD)

    expect(page).to_have_url(re.compile(r"/accounts/password/change/$"))
    steps.password_change(page, old=PASSWORD, new=NEW_PASSWORD)
    assert User.objects.get(username="rita").check_password(NEW_PASSWORD)


def test_wrong_password_keeps_the_sensitive_page_closed(new_context):
    make_user(username="rita", email="rita@example.com")
    context = new_context()
    page = context.new_page()
    steps.sign_in(page, login="rita", password=PASSWORD)
    steps.expect_signed_in(page, "rita")
    _sign_in_age(context, 10 * 60)

    page.goto("/accounts/delete/")
    steps.reauthenticate(page, password="not-the-password")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        steps.words(page, "Confirm your password")
    )
    expect(
        page.get_by_text(
            steps.words(
                page, "Your password was entered incorrectly. Please enter it again."
            )
        )
    ).to_be_visible()
    assert User.objects.filter(username="rita").exists()
