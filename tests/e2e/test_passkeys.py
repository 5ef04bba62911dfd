"""Passkeys in real Chromium, through its virtual authenticator (Chrome DevTools
Protocol ``WebAuthn``): add one, sign in with it and no password, sign in with it as
the second step after a password, remove it."""

import pytest
from playwright.sync_api import expect

from accounts.models import Authenticator
from tests.e2e import steps
from tests.factories import PASSWORD, make_user

# A platform authenticator with a screen lock: resident keys, user verification.
AUTHENTICATOR = {
    "protocol": "ctap2",
    "transport": "internal",
    "hasResidentKey": True,
    "hasUserVerification": True,
    "isUserVerified": True,
    "automaticPresenceSimulation": True,
}


@pytest.fixture
def passkey_browser(settings, live_server, new_context):
    """A page whose browser has a platform authenticator with a screen lock
    (resident keys, user verification), on a site whose relying party is the live
    server."""
    settings.AUTHSITE_SITE_URL = live_server.url
    page = new_context().new_page()
    # Chromium's virtual authenticator answers the sign-in page's autofill offer
    # (conditional mediation) at once, before a test can type a password or click;
    # these tests use the page as a browser without that offer would. The offer has
    # a test of its own (autofill_browser).
    page.add_init_script(
        "PublicKeyCredential.isConditionalMediationAvailable ="
        " () => Promise.resolve(false);"
    )
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": AUTHENTICATOR})
    page.authenticator = (cdp, added["authenticatorId"])
    return page


def credentials_of(page):
    cdp, authenticator_id = page.authenticator
    return cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})[
        "credentials"
    ]


def add_passkey(page, name: str) -> None:
    page.goto("/accounts/mfa/passkeys/")
    page.get_by_label(steps.words(page, "Name"), exact=True).fill(name)
    page.get_by_role("button", name=steps.words(page, "Add a passkey")).click()
    expect(page.get_by_role("status")).to_contain_text(
        steps.words(page, "Passkey “%(name)s” added.", name=name)
    )


def test_added_passkey_is_a_resident_key_listed_by_name(passkey_browser):
    page = passkey_browser
    make_user(username="minji", email="minji@example.com")
    steps.sign_in(page, login="minji", password=PASSWORD)

    add_passkey(page, "Laptop")

    expect(page.get_by_role("textbox", name="Name of passkey Laptop")).to_have_value(
        "Laptop"
    )
    [credential] = credentials_of(page)
    assert credential["isResidentCredential"] is True
    passkey = Authenticator.objects.get(kind=Authenticator.Kind.PASSKEY)
    assert passkey.name == "Laptop"
    assert passkey.user.username == "minji"


def test_passkey_signs_in_without_a_password(passkey_browser):
    page = passkey_browser
    make_user(username="minji", email="minji@example.com")
    steps.sign_in(page, login="minji", password=PASSWORD)
    add_passkey(page, "Laptop")
    steps.sign_out(page)

    page.goto("/accounts/login/")
    page.get_by_role("button", name=steps.words(page, "Sign in with a passkey")).click()

    steps.expect_signed_in(page, "minji")
    passkey = Authenticator.objects.get(kind=Authenticator.Kind.PASSKEY)
    assert passkey.last_used_at is not None
    assert passkey.data["sign_count"] >= 1


def test_passkey_completes_the_second_step_after_a_password(passkey_browser):
    page = passkey_browser
    make_user(username="minji", email="minji@example.com")
    steps.sign_in(page, login="minji", password=PASSWORD)
    add_passkey(page, "Laptop")
    steps.sign_out(page)

    steps.sign_in(page, login="minji", password=PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        steps.words(page, "Second step")
    )
    page.get_by_role("button", name=steps.words(page, "Use a passkey")).click()

    steps.expect_signed_in(page, "minji")
    page.goto("/accounts/sessions/")
    expect(page.get_by_role("table")).to_contain_text(
        steps.words(page, "password + passkey")
    )


def test_autofill_offer_in_the_username_field_signs_in(passkey_browser, new_context):
    page = passkey_browser
    make_user(username="minji", email="minji@example.com")
    steps.sign_in(page, login="minji", password=PASSWORD)
    add_passkey(page, "Laptop")
    [credential] = credentials_of(page)
    # A browser with the autofill offer and the same passkey (Chromium's virtual
    # authenticator picks it from the offer by itself).
    autofill_browser = new_context().new_page()
    other_cdp = autofill_browser.context.new_cdp_session(autofill_browser)
    other_cdp.send("WebAuthn.enable")
    added = other_cdp.send(
        "WebAuthn.addVirtualAuthenticator", {"options": AUTHENTICATOR}
    )
    other_cdp.send(
        "WebAuthn.addCredential",
        {"authenticatorId": added["authenticatorId"], "credential": credential},
    )

    autofill_browser.goto("/accounts/login/")

    # No click, no typing: the offer in the username field signed in.
    steps.expect_signed_in(autofill_browser, "minji")


def test_removed_passkey_no_longer_signs_in(passkey_browser):
    page = passkey_browser
    make_user(username="minji", email="minji@example.com")
    steps.sign_in(page, login="minji", password=PASSWORD)
    add_passkey(page, "Laptop")

    page.get_by_role("button", name="Remove passkey Laptop").click()
    expect(page.get_by_role("status")).to_contain_text(
        steps.words(page, "Passkey “%(name)s” removed.", name="Laptop")
    )
    assert not Authenticator.objects.exists()
    steps.sign_out(page)
    page.goto("/accounts/login/")
    page.get_by_role("button", name=steps.words(page, "Sign in with a passkey")).click()

    expect(page.get_by_role("alert")).to_have_text(
        steps.words(page, "This passkey is not registered on this site.")
    )
    steps.expect_signed_out_at_login(page)


def test_browsers_without_the_level_3_json_methods_add_and_use_passkeys(
    passkey_browser,
):
    page = passkey_browser
    # As in a browser that predates parseCreationOptionsFromJSON and toJSON: the
    # site's script converts base64url itself.
    page.add_init_script(
        "delete PublicKeyCredential.parseCreationOptionsFromJSON;"
        "delete PublicKeyCredential.parseRequestOptionsFromJSON;"
        "delete PublicKeyCredential.prototype.toJSON;"
    )
    make_user(username="minji", email="minji@example.com")
    steps.sign_in(page, login="minji", password=PASSWORD)
    add_passkey(page, "Laptop")
    steps.sign_out(page)

    page.goto("/accounts/login/")
    assert page.evaluate("typeof PublicKeyCredential.prototype.toJSON") == "undefined"
    page.get_by_role("button", name=steps.words(page, "Sign in with a passkey")).click()

    steps.expect_signed_in(page, "minji")


def test_adding_after_a_while_asks_for_the_password_first(passkey_browser, settings):
    page = passkey_browser
    make_user(username="minji", email="minji@example.com")
    steps.sign_in(page, login="minji", password=PASSWORD)
    page.goto("/accounts/mfa/passkeys/")
    settings.AUTHSITE_REAUTH_TIMEOUT = -1  # the sign-in is now too old

    page.get_by_role("button", name=steps.words(page, "Add a passkey")).click()
    expect(page).to_have_url(
        "/accounts/reauthenticate/?next=%2Faccounts%2Fmfa%2Fpasskeys%2F"
    )
    settings.AUTHSITE_REAUTH_TIMEOUT = 300
    steps.reauthenticate(page, password=PASSWORD)

    add_passkey(page, "Laptop")
    assert Authenticator.objects.filter(name="Laptop").exists()
