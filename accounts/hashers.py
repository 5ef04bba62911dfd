from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    """Django's Argon2id hasher with its cost read from settings.

    The defaults are OWASP's minimum (19 MiB, 2 passes, 1 lane). Hashes made with other
    costs still verify, and ``must_update`` rehashes them at the next sign-in.
    """

    @property
    def memory_cost(self) -> int:  # type: ignore[override]
        return settings.AUTHSITE_ARGON2_MEMORY_KIB

    @property
    def time_cost(self) -> int:  # type: ignore[override]
        return settings.AUTHSITE_ARGON2_TIME_COST

    @property
    def parallelism(self) -> int:  # type: ignore[override]
        return settings.AUTHSITE_ARGON2_PARALLELISM

    def verify(self, password: str, encoded: str) -> bool:
        # An oversized password can never match; refuse it before any hashing work.
        if len(password) > settings.AUTHSITE_PASSWORD_MAX_LENGTH:
            return False
        return super().verify(password, encoded)
