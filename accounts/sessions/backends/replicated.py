"""The engine for Redis with replicas that serve reads.

Every write (save, delete) waits until the replicas have it (Redis ``WAIT``), so the
request after a sign-in, or after a session was ended, never reads an old copy from a
replica: a browser is signed in, and a revoked one signed out, on its next request.
"""

from django.conf import settings
from django_redis import get_redis_connection

from accounts.sessions.backends.redis import SessionStore as RedisSessionStore


def replicas_wait() -> None:
    """Block until AUTHSITE_REDIS_WAIT_REPLICAS replicas acknowledged earlier writes."""
    replicas = settings.AUTHSITE_REDIS_WAIT_REPLICAS
    if replicas:
        connection = get_redis_connection(settings.SESSION_CACHE_ALIAS)
        connection.wait(replicas, settings.AUTHSITE_REDIS_WAIT_MS)


class SessionStore(RedisSessionStore):
    def save(self, must_create: bool = False) -> None:
        super().save(must_create)
        replicas_wait()

    def delete(self, session_key: str | None = None) -> None:
        super().delete(session_key)
        replicas_wait()
