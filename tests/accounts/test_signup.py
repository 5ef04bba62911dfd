import pytest

from accounts.models import User
from tests.factories import PASSWORD, make_user

# Every flow runs under every session strategy of the registry.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("strategy")]


def signup(client, **fields):
    data = {
        "username": "carol",
        "email": "carol@example.com",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **fields,
    }
    return client.post("/accounts/signup/", data)


@pytest.fixture
def signup_signs_in(settings):
    settings.AUTHSITE_EMAIL_VERIFICATION = "none"


@pytest.mark.usefixtures("signup_signs_in")
def test_signup_creates_user_and_signs_them_in(client):
    response = signup(client)

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    user = User.objects.get(username="carol")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert "Signed in as carol" in client.get("/").text


def test_signup_page_labels_every_field(client):
    page = client.get("/accounts/signup/").text

    for name in ("username", "email", "password1", "password2"):
        assert f'for="id_{name}"' in page


def test_signup_stores_an_argon2id_hash(client):
    signup(client)

    assert User.objects.get(username="carol").password.startswith("argon2$argon2id$")


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"username": "ALICE"}, "username", "already exists"),
        ({"password2": "something-else-9"}, "password2", "match"),
        ({"password1": "123", "password2": "123"}, "password1", "too short"),
        ({"password1": "password", "password2": "password"}, "password1", "too common"),
        ({"username": "x" * 10_000}, "username", "at most 150 characters"),
        ({"username": "a@b"}, "username", "Enter a valid username"),
        ({"email": "not-an-email"}, "email", "Enter a valid email address"),
        (
            {"password1": "p" * 5000, "password2": "p" * 5000},
            "password1",
            "at most 4096",
        ),
    ],
)
def test_signup_with_bad_input_shows_field_error_and_creates_nothing(
    client, fields, field, message
):
    make_user(username="alice", email="alice@example.com")

    response = signup(client, **fields)

    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert User.objects.count() == 1
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("mode", ["optional", "none"])
def test_signup_says_a_taken_address_is_taken_unless_verification_is_mandatory(
    client, settings, mode
):
    settings.AUTHSITE_EMAIL_VERIFICATION = mode
    make_user(username="alice", email="alice@example.com")

    response = signup(client, email="Alice@Example.COM")

    assert response.status_code == 200
    assert "already exists" in str(response.context["form"].errors["email"])
    assert User.objects.count() == 1


@pytest.mark.usefixtures("signup_signs_in")
def test_signup_honours_same_site_next(client):
    response = signup(client, next="/accounts/profile/")

    assert response.headers["Location"] == "/accounts/profile/"


@pytest.mark.usefixtures("signup_signs_in")
def test_signup_ignores_off_site_next(client):
    response = signup(client, next="https://evil.example/")

    assert response.headers["Location"] == "/"
