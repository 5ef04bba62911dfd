"""The scale-out lab's switches: a node's name, bench-only API views, the hasher.

Last of the parts, so that it sees the final MIDDLEWARE, INSTALLED_APPS and
PASSWORD_HASHERS.
"""

import os

from authsite.env import env_bool
from authsite.settings.core import INSTALLED_APPS, MIDDLEWARE
from authsite.settings.security import PASSWORD_HASHERS

# --- Scale-out lab: node name, bench-only API views --------------------------------
# Read last so that it sees the final MIDDLEWARE, INSTALLED_APPS and PASSWORD_HASHERS.

# Set by `manage.py scalelab` / `authbench` on each node it starts; empty otherwise.
AUTHSITE_NODE_NAME = os.environ.get("AUTHSITE_NODE_NAME", "")
if AUTHSITE_NODE_NAME:
    MIDDLEWARE = ["lab.middleware.ServedByMiddleware", *MIDDLEWARE]
# `authbench` only: /lab/bench/api/... views and DRF's TokenAuthentication as the peer.
AUTHSITE_LAB_BENCH = env_bool("AUTHSITE_LAB_BENCH", False)
if AUTHSITE_LAB_BENCH:
    INSTALLED_APPS = [
        *INSTALLED_APPS,
        *(
            app
            for app in ("rest_framework", "rest_framework.authtoken")
            if app not in INSTALLED_APPS
        ),
    ]
# `authbench`'s page_ceiling node: the signed-in page with this user attached from
# memory, after the session and timeout middleware (which see an anonymous request).
AUTHSITE_LAB_CEILING_USER = os.environ.get("AUTHSITE_LAB_CEILING_USER", "")
if AUTHSITE_LAB_CEILING_USER:
    _after = MIDDLEWARE.index("accounts.middleware.SessionTimeoutMiddleware") + 1
    MIDDLEWARE = [
        *MIDDLEWARE[:_after],
        "lab.middleware.CeilingUserMiddleware",
        *MIDDLEWARE[_after:],
    ]
# `authbench`'s login_pbkdf2 node: Django's default hasher first, so that PBKDF2
# hashes are checked as they are and not upgraded to Argon2id at the first sign-in.
if os.environ.get("AUTHSITE_LAB_PASSWORD_HASHER") == "pbkdf2":
    PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        *(h for h in PASSWORD_HASHERS if not h.endswith(".PBKDF2PasswordHasher")),
    ]
