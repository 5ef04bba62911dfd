import pytest
from django.core import checks


@pytest.fixture
def sessions_redis_with(stoppable_redis):
    """Start a Redis with the given arguments and make it the session store."""

    def start(*extra_args: str):
        return stoppable_redis("sessions", extra_args=list(extra_args))

    return start


def check_ids() -> list[str]:
    return [message.id for message in checks.run_checks(tags=[checks.Tags.caches])]


def test_check_warns_when_redis_would_evict_any_key(sessions_redis_with):
    server = sessions_redis_with("--maxmemory-policy", "allkeys-lru")

    messages = checks.run_checks(tags=[checks.Tags.caches])

    warnings = [m for m in messages if m.id == "authsite.W601"]
    assert len(warnings) == 1
    assert warnings[0].level == checks.WARNING
    assert "allkeys-lru" in warnings[0].msg
    assert f"127.0.0.1:{server.port}" in warnings[0].msg


def test_check_warns_on_volatile_policy_with_a_memory_limit(sessions_redis_with):
    sessions_redis_with(
        "--maxmemory-policy", "volatile-lru", "--maxmemory", "64mb"
    )  # fmt: skip

    assert "authsite.W602" in check_ids()


@pytest.mark.parametrize(
    "args",
    [
        ["--maxmemory-policy", "noeviction", "--maxmemory", "64mb"],
        ["--maxmemory-policy", "volatile-lru"],
    ],
    ids=["noeviction", "volatile-lru-without-limit"],
)
def test_check_is_quiet_when_sessions_cannot_be_evicted(sessions_redis_with, args):
    sessions_redis_with(*args)

    assert not {"authsite.W601", "authsite.W602"} & set(check_ids())


@pytest.mark.parametrize(
    ("name", "value", "check_id"),
    [
        ("AUTHSITE_EMAIL_VERIFICATION", "sometimes", "authsite.E703"),
        ("AUTHSITE_EMAIL_VERIFICATION_TTL", 0, "authsite.E704"),
        ("AUTHSITE_EMAIL_VERIFICATION_RESEND_RATE", "5/fortnight", "authsite.E705"),
    ],
)
def test_email_verification_settings_that_cannot_work_fail_the_check(
    settings, name, value, check_id
):
    setattr(settings, name, value)

    found = [m for m in checks.run_checks() if m.id == check_id]

    assert len(found) == 1
