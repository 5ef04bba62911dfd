"""What the pages do in a real browser: show a password, switch language and theme."""

from playwright.sync_api import expect

from accounts.models import User
from tests.e2e import steps
from tests.factories import PASSWORD, make_user


def test_show_password_button_reveals_and_hides_the_password(page):
    page.goto("/accounts/login/")
    field = page.get_by_label("Password", exact=True)
    field.fill("secret-Words-42")

    page.get_by_role("button", name="Show password").click()
    shown = field.get_attribute("type")
    page.get_by_role("button", name="Hide password").click()

    assert shown == "text"
    assert field.get_attribute("type") == "password"


def test_switcher_turns_the_site_korean_and_remembers_it_on_the_account(page):
    make_user(username="minji", email="minji@example.com")
    steps.sign_in(page, login="minji", password=PASSWORD)

    page.get_by_role("button", name="한국어").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "minji님으로 로그인되어 있습니다"
    )
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    assert User.objects.get(username="minji").language == "ko"


def test_dark_mode_button_darkens_the_page_without_a_script_of_its_own(page):
    page.goto("/accounts/login/")
    light = page.evaluate("getComputedStyle(document.body).backgroundColor")

    page.get_by_role("button", name="Dark mode").click()

    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    expect(page.get_by_role("button", name="Light mode")).to_be_visible()
    dark = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert (light, dark) == ("rgb(246, 247, 251)", "rgb(18, 21, 28)")


def test_dark_mode_follows_the_browser_until_chosen(browser, live_server):
    context = browser.new_context(base_url=live_server.url, color_scheme="dark")
    page = context.new_page()

    page.goto("/")

    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    expect(page.get_by_role("button", name="Light mode")).to_be_visible()
    expect(page.get_by_role("button", name="Dark mode")).to_be_hidden()
    assert background == "rgb(18, 21, 28)"
    context.close()


def test_logout_page_button_signs_out(page):
    make_user(username="minji", email="minji@example.com")
    steps.sign_in(page, login="minji", password=PASSWORD)

    page.goto("/accounts/logout/")
    page.get_by_role("main").get_by_role("button", name="Sign out").click()

    steps.expect_signed_out(page)
    expect(page.get_by_role("status")).to_have_text("You are signed out.")


def test_sign_in_takes_the_browsers_time_zone_and_shows_times_in_it(new_context):
    make_user(username="minji", email="minji@example.com")
    page = new_context(timezone_id="Asia/Seoul").new_page()

    steps.sign_in(page, login="minji", password=PASSWORD)
    steps.expect_signed_in(page, "minji")
    page.goto("/accounts/sessions/")

    assert User.objects.get(username="minji").time_zone == "Asia/Seoul"
    expect(page.locator("table time").first).to_contain_text("KST")
