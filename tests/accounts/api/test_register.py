import pytest

from accounts.models import User

pytestmark = pytest.mark.django_db

GOOD = {
    "username": "carol",
    "email": "carol@example.com",
    "password": "a-Long-pass-7821",
}


@pytest.fixture
def register_signs_up_at_once(settings):
    """Registration as under optional or none verification: 201 with the user."""
    settings.AUTHSITE_EMAIL_VERIFICATION = "optional"


def register(api_client, **fields):
    return api_client.post("/api/auth/register/", {**GOOD, **fields}, format="json")


@pytest.mark.usefixtures("register_signs_up_at_once")
def test_register_creates_the_user_and_returns_it_without_password(api_client):
    response = register(api_client)

    assert response.status_code == 201
    body = response.json()
    assert body["username"] == "carol"
    assert body["email"] == "carol@example.com"
    assert "password" not in body
    assert User.objects.get(username="carol").check_password(GOOD["password"])


@pytest.mark.usefixtures("register_signs_up_at_once")
def test_registered_user_can_get_tokens(api_client):
    register(api_client)

    response = api_client.post(
        "/api/auth/token/",
        {"username": "carol", "password": GOOD["password"]},
        format="json",
    )

    assert response.status_code == 200


@pytest.mark.parametrize("username", ["ALICE", "alice"])
def test_register_refuses_a_taken_username_in_any_case(api_client, user, username):
    response = register(api_client, username=username)

    assert response.status_code == 400
    assert "username" in response.json()
    assert User.objects.count() == 1


@pytest.mark.usefixtures("register_signs_up_at_once")
def test_register_refuses_a_taken_email_in_any_case(api_client, user):
    response = register(api_client, email="ALICE@EXAMPLE.COM")

    assert response.status_code == 400
    assert "email" in response.json()


@pytest.mark.parametrize(
    "password", ["short", "password123", "12345678901", "carol1234"]
)
def test_register_applies_the_password_validators(api_client, password):
    response = register(api_client, password=password)

    assert response.status_code == 400
    assert "password" in response.json()
    assert not User.objects.filter(username="carol").exists()


def test_register_refuses_an_at_sign_in_the_username(api_client):
    response = register(api_client, username="ca@rol")

    assert response.status_code == 400
    assert "username" in response.json()


def test_register_ignores_privilege_fields(api_client):
    response = register(api_client, is_staff=True, is_superuser=True)

    assert response.status_code == 202
    user = User.objects.get(username="carol")
    assert not user.is_staff
    assert not user.is_superuser


def test_register_refuses_a_10_kb_username(api_client):
    response = register(api_client, username="u" * 10_000)

    assert response.status_code == 400
    assert not User.objects.exists()
