"""Forms that password managers, screen readers and people with typos can use."""

from html.parser import HTMLParser

import pytest
from django.conf import settings

from tests.factories import PASSWORD
from tests.helpers.accounts import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def signup_signs_in(settings):
    """Signup as under optional verification: it signs in, and offers to stay so."""
    settings.AUTHSITE_EMAIL_VERIFICATION = "optional"


class Inputs(HTMLParser):
    """The attributes of every input and button of a page, and every id on it."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.inputs: dict[str, dict[str, str | None]] = {}
        self.buttons: list[dict[str, str | None]] = []
        self.ids: set[str] = set()
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        if tag == "input" and attributes.get("type") not in ("hidden", "submit"):
            self.inputs[attributes.get("name") or ""] = attributes
        if tag == "button":
            self.buttons.append(attributes)


def page_inputs(client, path: str, data: dict | None = None) -> Inputs:
    response = client.post(path, data) if data is not None else client.get(path)
    assert response.status_code == 200
    return Inputs(response.text)


def autocomplete(inputs: Inputs) -> dict[str, str | None]:
    return {name: attrs.get("autocomplete") for name, attrs in inputs.inputs.items()}


def test_sign_in_fields_tell_password_managers_what_they_hold(client):
    fields = autocomplete(page_inputs(client, "/accounts/login/"))

    # "webauthn": the browser may also offer this site's passkeys there.
    assert fields["username"] == "username webauthn"
    assert fields["password"] == "current-password"


def test_signup_fields_ask_for_a_new_password(client):
    fields = autocomplete(page_inputs(client, "/accounts/signup/"))

    assert fields["username"] == "username"
    assert fields["email"] == "email"
    assert fields["password1"] == "new-password"
    assert fields["password2"] == "new-password"


def test_password_change_fields_tell_old_from_new(client_signed_in):
    fields = autocomplete(page_inputs(client_signed_in, "/accounts/password/change/"))

    assert fields["old_password"] == "current-password"
    assert fields["new_password1"] == "new-password"
    assert fields["new_password2"] == "new-password"


def test_profile_fields_name_what_they_hold(client_signed_in):
    fields = autocomplete(page_inputs(client_signed_in, "/accounts/profile/"))

    assert fields["first_name"] == "given-name"
    assert fields["last_name"] == "family-name"
    assert fields["current_password"] == "current-password"


@pytest.mark.usefixtures("signup_signs_in")
def test_signup_errors_are_described_by_ids_that_exist(client):
    page = page_inputs(
        client,
        "/accounts/signup/",
        {"username": "a@b", "email": "nope", "password1": "1", "password2": "2"},
    )

    described = {
        name: attrs["aria-describedby"].split()
        for name, attrs in page.inputs.items()
        if attrs.get("aria-describedby")
    }
    assert set(described) >= {"username", "email", "password1", "password2"}
    assert all(set(ids) <= page.ids for ids in described.values())
    assert "id_email_error" in described["email"]
    assert page.inputs["email"].get("aria-invalid") == "true"
    assert "aria-invalid" not in page.inputs["remember_me"]


def test_signup_explains_the_password_rules_beside_the_field(client):
    response = client.get("/accounts/signup/")

    page = Inputs(response.text)
    assert "id_password1_helptext" in page.inputs["password1"]["aria-describedby"]
    assert "at least 8 characters" in response.text
    assert "be a commonly used password" in response.text


def test_too_common_lands_on_the_password_and_mismatch_on_its_confirmation(client):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "minji",
            "email": "minji@example.com",
            "password1": "password",
            "password2": "passwords",
        },
    )

    errors = response.context["form"].errors
    assert "too common" in str(errors["password1"])
    assert "match" in str(errors["password2"])
    assert "too common" not in str(errors["password2"])


@pytest.mark.usefixtures("signup_signs_in")
def test_signup_errors_keep_what_was_typed_except_the_passwords(client):
    page = page_inputs(
        client,
        "/accounts/signup/",
        {
            "username": "minji",
            "email": "minji@example.com",
            "password1": "typed-Secret-77",
            "password2": "other-Secret-77",
            "remember_me": "on",
        },
    )

    assert page.inputs["username"]["value"] == "minji"
    assert page.inputs["email"]["value"] == "minji@example.com"
    assert "checked" in page.inputs["remember_me"]
    assert "value" not in page.inputs["password1"]
    assert "value" not in page.inputs["password2"]


def test_sign_in_error_keeps_the_username_but_not_the_password(client, user):
    page = page_inputs(
        client, "/accounts/login/", {"username": "alice", "password": "wrong-one"}
    )

    assert page.inputs["username"]["value"] == "alice"
    assert "value" not in page.inputs["password"]


def test_every_password_field_has_a_show_button_for_the_script(client):
    page = page_inputs(client, "/accounts/signup/")

    toggles = [b for b in page.buttons if "password-toggle" in (b.get("class") or "")]
    assert [b["aria-controls"] for b in toggles] == ["id_password1", "id_password2"]
    # Hidden until the script (a file of the site: no inline script) shows it.
    assert all("hidden" in b for b in toggles)
    assert client.get("/static/accounts/site.js").status_code == 200


@pytest.mark.usefixtures("signup_signs_in")
def test_signup_without_keep_me_signed_in_ends_with_the_browser(client):
    client.post(
        "/accounts/signup/",
        {
            "username": "minji",
            "email": "minji@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""


@pytest.mark.usefixtures("signup_signs_in")
def test_signup_with_keep_me_signed_in_sets_a_lasting_cookie(client):
    client.post(
        "/accounts/signup/",
        {
            "username": "minji",
            "email": "minji@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "remember_me": "on",
        },
    )

    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == settings.SESSION_COOKIE_AGE


def test_flash_messages_are_a_live_region_of_paragraphs(client_signed_in):
    response = client_signed_in.post(
        "/accounts/profile/",
        {"first_name": "A", "last_name": "B", "email": "alice@example.com"},
        follow=True,
    )

    assert (
        '<div class="messages" role="status"><p class="message success">'
        "Your profile was saved.</p></div>"
    ) in response.text


def test_skip_link_leads_to_the_main_content(client):
    page = Inputs(client.get("/").text)

    assert "main" in page.ids
    assert 'href="#main"' in client.get("/").text


def test_sign_in_lockout_message_speaks_korean(client, user):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "alice", "wrong-password")

    response = client.post(
        "/accounts/login/",
        {"username": "alice", "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="ko",
    )

    assert response.status_code == 429
    assert "분 후에 다시 시도해 주세요" in response.text
