import pytest

from accounts.models import User
from tests.e2e import steps
from tests.factories import PASSWORD, make_user


@pytest.fixture
def own_sessions_redis(stoppable_redis):
    """The live site's session store, on a Redis this test may stop."""
    return stoppable_redis("sessions")


def test_redis_outage_shows_503_keeps_data_and_recovers_without_restart(
    page, own_sessions_redis
):
    make_user(username="ola", email="ola@example.com")
    steps.sign_in(page, login="ola", password=PASSWORD)
    steps.profile_edit(page, first_name="Ola", last_name="Nordmann")

    own_sessions_redis.stop()
    home = page.goto("/")
    home_text = page.content()
    profile = page.goto("/accounts/profile/")
    profile_text = page.content()
    saved = User.objects.get(username="ola")
    own_sessions_redis.start()
    after = page.goto("/")
    steps.sign_in(page, login="ola", password=PASSWORD)

    assert home.status == profile.status == 503
    for text in (home_text, profile_text):
        assert "Sign-in is temporarily unavailable" in text
        assert "Signed in as" not in text
        assert "Your profile" not in text
        assert "Traceback" not in text
    assert (saved.first_name, saved.last_name) == ("Ola", "Nordmann")
    # The restarted Redis kept nothing: the site serves again, the user signs in anew.
    assert after.status == 200
    steps.expect_signed_in(page, "ola")
