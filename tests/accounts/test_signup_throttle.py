"""The HTML signup form is limited per client address, counted in Redis."""

import pytest
from django.core import checks
from django.core.cache import caches
from django.test import Client
from django_redis import get_redis_connection

from accounts.models import User
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

THROTTLED = "Too many sign-up attempts from your address."


@pytest.fixture(autouse=True)
def _taken_addresses_answered(settings):
    # Where the form says that an address is taken (optional and none): what this
    # limit slows down. Under mandatory the answer is the same for every address.
    settings.AUTHSITE_EMAIL_VERIFICATION = "optional"


@pytest.fixture
def three_an_hour(settings):
    settings.AUTHSITE_SIGNUP_FORM_RATE = "3/hour"


def signup(client, username="carol", **fields):
    return client.post(
        "/accounts/signup/",
        {
            "username": username,
            "email": f"{username}@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            **fields,
        },
    )


def probe_taken_email(client, n: int):
    """What an enumerating client does: try an address that may have an account."""
    return signup(client, username=f"probe{n}", email="alice@example.com")


@pytest.mark.usefixtures("three_an_hour")
def test_signup_past_the_limit_is_refused_with_a_message_and_creates_nothing(
    client, user
):
    answers = [probe_taken_email(client, n) for n in range(3)]

    refused = signup(client, username="dave")

    assert [a.status_code for a in answers] == [200, 200, 200]
    assert refused.status_code == 429
    assert THROTTLED in refused.text
    assert "Try again in 60 minutes." in refused.text
    assert 3000 < int(refused.headers["Retry-After"]) <= 3600
    assert not User.objects.filter(username="dave").exists()


@pytest.mark.usefixtures("three_an_hour")
def test_throttled_signup_does_not_say_whether_the_address_is_taken(client, user):
    for n in range(3):
        probe_taken_email(client, n)

    taken = probe_taken_email(client, 3)
    free = signup(client, username="free", email="nobody@example.com")

    assert taken.status_code == free.status_code == 429
    assert "already exists" not in taken.text
    # The form comes back with what was typed, the passwords left out.
    assert 'value="free"' in free.text
    assert 'value="nobody@example.com"' in free.text
    assert PASSWORD not in free.text


@pytest.mark.usefixtures("three_an_hour")
def test_signup_limit_is_per_client_address(user):
    crowded = Client(REMOTE_ADDR="198.51.100.7")
    for n in range(4):
        probe_taken_email(crowded, n)

    elsewhere = signup(Client(REMOTE_ADDR="203.0.113.9"), username="erin")

    assert elsewhere.status_code == 302
    assert User.objects.filter(username="erin").exists()


@pytest.mark.usefixtures("three_an_hour")
def test_signup_counter_lives_in_redis_and_expires_with_its_window(client):
    signup(client, username="carol")

    key = caches["default"].make_key("ratelimit:signup:127.0.0.1")
    redis = get_redis_connection("default")
    assert int(redis.get(key)) == 1
    assert 0 < redis.ttl(key) <= 3600


def test_showing_the_signup_form_is_not_counted(client, settings):
    settings.AUTHSITE_SIGNUP_FORM_RATE = "1/hour"
    pages = [client.get("/accounts/signup/").status_code for _ in range(3)]

    response = signup(client)

    assert pages == [200, 200, 200]
    assert response.status_code == 302


def test_no_rate_means_no_limit(client, settings):
    settings.AUTHSITE_SIGNUP_FORM_RATE = ""
    make_user(username="alice", email="alice@example.com")

    answers = [probe_taken_email(client, n).status_code for n in range(25)]

    assert answers == [200] * 25


@pytest.fixture
def own_default_redis(stoppable_redis):
    """The default cache (the counters), on a Redis this test may stop."""
    return stoppable_redis("default")


def test_signup_answers_503_when_the_counter_store_is_down(client, own_default_redis):
    own_default_redis.stop()

    response = signup(client)

    assert response.status_code == 503
    assert "Traceback" not in response.text
    assert not User.objects.filter(username="carol").exists()


@pytest.mark.parametrize("rate", ["ten/hour", "10/fortnight", "10"])
def test_unreadable_signup_rate_fails_the_system_check(settings, rate):
    settings.AUTHSITE_SIGNUP_FORM_RATE = rate

    errors = [e for e in checks.run_checks() if e.id == "authsite.E701"]

    assert len(errors) == 1
    assert "AUTHSITE_THROTTLE_SIGNUP_FORM" in errors[0].msg
