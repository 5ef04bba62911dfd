import pytest
from django.test import Client

from accounts.models import AuthEvent
from accounts.selectors import sessions_for_user
from accounts.signals import session_ended, session_started
from tests.factories import PASSWORD
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


def change_password(client) -> None:
    response = client.post(
        "/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": "a fresh passphrase 2026",
            "new_password2": "a fresh passphrase 2026",
        },
    )
    assert response.status_code == 302


def test_password_change_with_no_other_session_writes_one_activity_row(user):
    client = Client()
    sign_in(client, "alice")

    change_password(client)

    assert AuthEvent.objects.filter(user=user, kind="password_change").count() == 1


def test_password_change_ending_three_sessions_writes_one_activity_row(user):
    for _ in range(3):
        sign_in(Client(), "alice")
    client = Client()
    sign_in(client, "alice")

    change_password(client)

    assert AuthEvent.objects.filter(user=user, kind="password_change").count() == 1
    assert len(sessions_for_user(user=user)) == 1


def test_signing_out_every_other_session_writes_one_activity_row(user):
    for _ in range(2):
        sign_in(Client(), "alice")
    client = Client()
    sign_in(client, "alice")

    client.post("/accounts/sessions/revoke-others/")

    assert AuthEvent.objects.filter(user=user, kind="revoke").count() == 1


def test_failed_sign_ins_are_shown_in_the_activity(user):
    sign_in(Client(REMOTE_ADDR="198.51.100.66"), "alice", password="wrong")
    client = Client()
    sign_in(client, "alice")

    page = client.get("/accounts/sessions/").text

    activity = page[page.index("Recent activity") :]
    assert "Failed sign-in attempt · 198.51.100.66" in activity


def test_a_lockout_is_shown_in_the_activity(user, settings):
    attacker = Client(REMOTE_ADDR="198.51.100.66")
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        sign_in(attacker, "ALICE", password="wrong")
    # The account itself is locked now: open a session without the form.
    client = Client(REMOTE_ADDR="203.0.113.9")
    client.force_login(user, backend="accounts.backends.UsernameOrEmailBackend")

    page = client.get("/accounts/sessions/").text

    assert "Sign-in refused: too many failed attempts" in page
    assert AuthEvent.objects.filter(user=user, kind="locked_out").exists()


def test_failed_sign_in_for_an_unknown_name_writes_nothing(user):
    sign_in(Client(), "nobody-here", password="wrong")

    assert not AuthEvent.objects.filter(kind="login_failed").exists()
