import datetime as dt

import pytest

from accounts.sessions.codec import CompactSessionCodec

SIGNED_IN = {
    "_auth_user_id": "42",
    "_auth_user_backend": "accounts.backends.UsernameOrEmailBackend",
    "_auth_user_hash": "ab" * 32,
    "_t0": 1_700_000_000,
    "_ts": 1_700_000_090,
    "_ip": "2001:db8::1",
    "_dv": "Firefox 126 on Ubuntu",
}


@pytest.mark.parametrize(
    "data",
    [
        SIGNED_IN,
        {**SIGNED_IN, "_session_expiry": 0},
        {**SIGNED_IN, "_session_expiry": 3600},
        {
            **SIGNED_IN,
            "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
        },
        {**SIGNED_IN, "_dv": "a|b"},
        {**SIGNED_IN, "cart": [1, 2, 3]},
        {"probe": 1},
        {},
        {"when": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)},
    ],
    ids=[
        "signed-in",
        "browser-close",
        "custom-expiry",
        "other-backend",
        "separator-in-device",
        "extra-key",
        "anonymous",
        "empty",
        "not-json",
    ],
)
def test_every_session_survives_the_round_trip(data):
    serializer = CompactSessionCodec()

    assert serializer.loads(serializer.dumps(data)) == data


def test_signed_in_session_is_stored_in_under_100_bytes():
    encoded = CompactSessionCodec().dumps(SIGNED_IN)

    assert len(encoded) < 100


def test_a_backend_no_longer_configured_signs_the_session_out(settings):
    serializer = CompactSessionCodec()
    stored = serializer.dumps(SIGNED_IN)
    settings.AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]

    assert "_auth_user_backend" not in serializer.loads(stored)


def test_reordering_the_backends_keeps_each_session_with_its_backend(settings):
    serializer = CompactSessionCodec()
    stored = serializer.dumps(SIGNED_IN)
    settings.AUTHENTICATION_BACKENDS = [
        "django.contrib.auth.backends.ModelBackend",
        *settings.AUTHENTICATION_BACKENDS,
    ]

    assert serializer.loads(stored) == SIGNED_IN
