import pytest
from django.conf import settings
from playwright.sync_api import expect

from accounts.models import User
from tests.e2e import steps
from tests.factories import PASSWORD, make_user
from tests.helpers.mfa import totp_code

NEW_PASSWORD = "a-Brand-new-passphrase-7"

# The browser session strategies the whole journey runs under. Adding one is adding
# its registry name here (the stateless `jwt` strategy, once it is in the registry).
JOURNEY_STRATEGIES = ["redis", "db", "jwt"]


# Each strategy in English, and the whole journey once more in Korean.
JOURNEYS = [
    *((strategy, "en-US") for strategy in JOURNEY_STRATEGIES),
    ("redis", "ko-KR"),
]


@pytest.fixture(params=JOURNEYS, ids=lambda p: f"{p[0]}-{p[1]}")
def journey(request, use_strategy, live_server):
    """The live server, switched to one session strategy for this test, and the
    browser locale to walk it in.

    The live server runs in a thread of this process and reads the same settings, so
    pytest-django's ``settings`` fixture switches it too (and switches it back).
    """
    strategy, locale = request.param
    return use_strategy(strategy), locale


def session_cookie(context) -> str:
    return next(
        cookie["value"]
        for cookie in context.cookies()
        if cookie["name"] == settings.SESSION_COOKIE_NAME
    )


def test_account_journey_across_two_browsers(journey, new_context, store):
    strategy, locale = journey
    first_context = new_context(locale=locale)
    second_context = new_context(locale=locale)
    first, second = first_context.new_page(), second_context.new_page()

    steps.signup(first, username="erin", email="erin@example.com", password=PASSWORD)
    steps.profile_edit(first, first_name="Erin", last_name="Example")
    steps.sign_in(second, login="ERIN@example.com", password=PASSWORD)
    steps.expect_signed_in(second, "erin")
    second_key = session_cookie(second_context)
    second_was_stored = store.holds(second_key)
    steps.end_other_session_on_sessions_page(first, sessions=2)
    second.goto("/accounts/profile/")
    second_url = second.url
    # The sign-in page says why; the jwt strategy keeps no reason (see its docs).
    steps.expect_signed_out_at_login(
        second,
        reason=None
        if strategy == "jwt"
        else "You were signed out from another device.",
    )
    steps.password_change(first, old=PASSWORD, new=NEW_PASSWORD)
    first.goto("/")
    steps.expect_signed_in(first, "erin")
    first_key = session_cookie(first_context)
    steps.sign_out(first)

    assert second_url.endswith("/accounts/login/?next=/accounts/profile/")
    assert first.evaluate("document.documentElement.lang") == locale[:2]
    user = User.objects.get(username="erin")
    assert (user.first_name, user.last_name) == ("Erin", "Example")
    assert user.check_password(NEW_PASSWORD)
    assert second_was_stored
    assert store.lacks(second_key)
    assert store.lacks(first_key)


def test_login_form_works_with_the_keyboard_alone(page):
    make_user(username="kim", email="kim@example.com")
    page.goto("/accounts/login/")

    # The page puts the cursor in the first field; Tab moves on to the password.
    expect(page.get_by_label("Username or email")).to_be_focused()
    page.keyboard.type("kim")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    steps.expect_signed_in(page, "kim")


def test_a_user_turns_on_an_authenticator_app_and_signs_in_with_it(page):
    make_user(username="tao", email="tao@example.com")
    steps.sign_in(page, login="tao", password=PASSWORD)
    steps.expect_signed_in(page, "tao")

    # The previous step's code turns the app on, so the current one is still unused.
    key = steps.totp_turn_on(page, code_for=lambda key: totp_code(key, steps=-1))
    steps.sign_out(page)
    steps.sign_in(page, login="tao", password=PASSWORD)
    steps.second_step(page, code=totp_code(key))

    steps.expect_signed_in(page, "tao")
