import pytest

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(settings):
    def set_rate(scope, rate):
        settings.AUTHSITE_API_THROTTLE_RATES = {
            **settings.AUTHSITE_API_THROTTLE_RATES,
            scope: rate,
        }

    return set_rate


def test_register_is_throttled_per_address(api_client, rates):
    rates("register", "2/hour")
    answers = [
        api_client.post(
            "/api/auth/register/",
            {"username": f"u{n}", "email": f"u{n}@example.com", "password": "pw"},
            format="json",
        )
        for n in range(3)
    ]

    assert [a.status_code for a in answers] == [400, 400, 429]
    assert answers[2].json()["code"] == "throttled"
    assert int(answers[2].headers["Retry-After"]) > 0


def test_token_endpoint_is_throttled_per_address(user, obtain, rates):
    rates("token", "3/minute")
    codes = [obtain("alice", PASSWORD).status_code for _ in range(4)]

    assert codes == [200, 200, 200, 429]


def test_throttle_counts_each_address_apart(user, obtain, rates):
    rates("token", "1/minute")
    obtain("alice", PASSWORD, REMOTE_ADDR="192.0.2.1")

    assert obtain("alice", PASSWORD, REMOTE_ADDR="192.0.2.1").status_code == 429
    assert obtain("alice", PASSWORD, REMOTE_ADDR="192.0.2.2").status_code == 200


def test_forged_forwarded_for_does_not_reset_the_throttle(user, obtain, rates):
    rates("token", "1/minute")
    obtain("alice", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.1")

    response = obtain("alice", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.2")

    assert response.status_code == 429


def test_refresh_is_throttled(api_client, tokens, rates):
    rates("refresh", "1/minute")
    first = api_client.post(
        "/api/auth/token/refresh/", {"refresh": tokens["refresh"]}, format="json"
    )
    second = api_client.post(
        "/api/auth/token/refresh/", {"refresh": first.json()["refresh"]}, format="json"
    )

    assert first.status_code == 200
    assert second.status_code == 429


def test_an_ipv4_mapped_address_shares_the_ipv4_throttle(user, obtain, rates):
    rates("token", "2/minute")
    obtain("alice", PASSWORD, REMOTE_ADDR="192.0.2.50")
    obtain("alice", PASSWORD, REMOTE_ADDR="192.0.2.50")

    response = obtain("alice", PASSWORD, REMOTE_ADDR="::ffff:192.0.2.50")

    assert response.status_code == 429


def test_addresses_of_one_ipv6_64_share_a_throttle(user, obtain, rates):
    rates("token", "2/minute")
    obtain("alice", PASSWORD, REMOTE_ADDR="2001:db8:7:7::1")
    obtain("alice", PASSWORD, REMOTE_ADDR="2001:db8:7:7::2")

    response = obtain("alice", PASSWORD, REMOTE_ADDR="2001:db8:7:7::3")

    assert response.status_code == 429
