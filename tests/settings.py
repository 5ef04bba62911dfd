"""Settings for the test suite: the project's settings on a real Redis of the run's own."""

import os

from tests.helpers.redis import redis_url_for_tests, unique_key_prefix

os.environ["REDIS_URL"] = redis_url_for_tests()
os.environ["AUTHSITE_REDIS_KEY_PREFIX"] = unique_key_prefix()
os.environ.pop("REDIS_SESSIONS_URL", None)

from authsite.settings import *  # noqa: F403

# Each test's email lands in django.core.mail.outbox (pytest-django sets locmem too).
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Static files from the app folders, no manifest needed.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Argon2id as in production, at a test cost: the same hasher and code path, without
# the 19 MiB and two passes of every hash (about 40 ms on 2 vCPUs, thousands of times
# in a run). tests/authsite/test_settings.py checks the production cost.
AUTHSITE_ARGON2_MEMORY_KIB = 1024
AUTHSITE_ARGON2_TIME_COST = 1
