"""Run tests under any session strategy, and ask any strategy's store what it holds."""

from __future__ import annotations

import dataclasses
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.cache import caches

from accounts.sessions.registry import strategy_get, strategy_settings
from tests.helpers.servers import Servers


def strategy_apply(
    name: str, settings_fixture, servers: Servers, **context_changes
) -> None:
    """Switch the running settings to strategy ``name`` (pytest-django undoes it).

    Strategies that need servers of their own get the run's extra ``servers``, unless
    ``context_changes`` (fields of StrategyContext) name the sessions Redis or the
    environment.
    """
    base = settings_fixture.SESSION_STRATEGY_CONTEXT
    sessions_url = context_changes.pop("redis_sessions_url", None)
    env = context_changes.pop("env", None)
    context = dataclasses.replace(
        base,
        redis_sessions_url=(
            sessions_url or servers.sessions_url_for(name) or base.redis_sessions_url
        ),
        env={**base.env, **(servers.env_for(name) if env is None else env)},
        # Cookie names follow SESSION_COOKIE_SECURE, as accounts.tokens.cookies does.
        secure_cookies=settings_fixture.SESSION_COOKIE_SECURE,
        **context_changes,
    )
    values = strategy_settings(name, context).overrides()
    settings_fixture.CACHES = {**settings_fixture.CACHES, **values.pop("CACHES", {})}
    for setting, value in values.items():
        setattr(settings_fixture, setting, value)


def strategy_cleanup(name: str, servers: Servers) -> None:
    """Forget what a test stored outside the run's shared, prefix-cleaned Redis."""
    if name == "local":
        caches["sessions"].clear()
    elif servers.sessions_url_for(name) or name in {"memcached", "redis-cluster"}:
        servers.flush()


class SessionStoreProbe:
    """What the active strategy's store holds, asked in the same words for each.

    A strategy without a server-side store (signed cookies) holds nothing: ``holds``
    then says whether the server would accept the cookie, and ``lacks`` is always true.
    Under ``jwt`` the session key is the access token, and the store is the user's
    token record: ``holds`` says whether the sign-in it names is still live there.
    """

    @property
    def server_side(self) -> bool:
        return strategy_get(settings.AUTHSITE_SESSION_STRATEGY).server_side

    def engine(self) -> SessionBase:
        return import_module(settings.SESSION_ENGINE).SessionStore()

    def holds(self, session_key: str) -> bool:
        if not self.server_side:
            return bool(self.engine().__class__(session_key).load())
        return bool(self.engine().exists(session_key))

    def lacks(self, session_key: str) -> bool:
        if not self.server_side:
            return True
        return not self.engine().exists(session_key)

    def data(self, session_key: str) -> dict:
        return dict(self.engine().__class__(session_key).load())
