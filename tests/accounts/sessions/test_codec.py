import datetime as dt
import pickle

import pytest

from accounts.sessions.codec import CompactSessionCodec
from tests.helpers.accounts import session_key_of

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


def test_a_value_json_cannot_hold_is_refused_not_pickled():
    with pytest.raises(TypeError):
        CompactSessionCodec().dumps({"when": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)})


class _Planted:
    """A pickle that would create ``path`` when unpickled."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (str(self.path), "w"))


@pytest.mark.parametrize(
    "stored",
    [b"\x01short", b"{not json", b"[1, 2]", b"\x80\x05garbage"],
    ids=["positional-corrupt", "json-corrupt", "json-not-a-dict", "foreign"],
)
def test_an_undecodable_value_reads_as_no_session(stored, caplog):
    with caplog.at_level("WARNING", logger="authsite.sessions"):
        assert CompactSessionCodec().loads(stored) is None

    assert len(caplog.records) == 1


@pytest.mark.django_db
def test_a_pickle_planted_in_the_store_runs_nothing_and_signs_out(
    client_signed_in, sessions_redis, session_redis_key, tmp_path
):
    marker = tmp_path / "ran"
    key = session_redis_key(session_key_of(client_signed_in))
    sessions_redis.set(key, pickle.dumps(_Planted(marker)))

    response = client_signed_in.get("/accounts/profile/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not marker.exists()
