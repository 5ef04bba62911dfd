import pytest
from django.test import Client

from accounts.models import AuthEvent
from accounts.selectors import sessions_for_user
from accounts.signals import session_ended, session_started
from tests.helpers.accounts import sign_in

pytestmark = pytest.mark.django_db

SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)


@pytest.fixture
def received():
    """Every session_started / session_ended signal sent during the test."""
    signals = []

    def record(sender, **kwargs):
        signals.append(kwargs)

    session_started.connect(record)
    session_ended.connect(record)
    yield signals
    session_started.disconnect(record)
    session_ended.disconnect(record)


def test_sign_in_and_out_send_signals_and_write_events(user, received):
    client = Client(HTTP_USER_AGENT=SAFARI, REMOTE_ADDR="192.0.2.10")
    sign_in(client, "alice")
    [entry] = sessions_for_user(user=user)

    client.post("/accounts/logout/")

    assert [s["kind"] for s in received] == ["login", "logout"]
    assert {s["session_id"] for s in received} == {entry.id}
    logout, login = AuthEvent.objects.filter(user=user)
    assert (login.kind, logout.kind) == ("login", "logout")
    assert login.ip == "192.0.2.10"
    assert login.device == "Mobile Safari 17 on iOS 17.4"
    assert login.session_id == entry.id


def test_recent_activity_is_shown_under_the_session_list(user):
    client = Client(HTTP_USER_AGENT=SAFARI)
    sign_in(client, "alice")
    other = Client()
    sign_in(other, "alice")
    other.post("/accounts/logout/")

    page = client.get("/accounts/sessions/").text

    activity = page[page.index("Recent activity") :]
    assert activity.count("Signed in") == 2
    assert "Signed out" in activity


def test_a_users_activity_shows_only_their_own_events(user, other_user):
    sign_in(Client(), "bob")
    client = Client()
    sign_in(client, "alice")

    page = client.get("/accounts/sessions/").text

    assert page[page.index("Recent activity") :].count("Signed in") == 1
