"""System checks: configuration errors found before the site serves a request."""

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from django.apps import AppConfig
from django.conf import settings
from django.core.cache import caches
from django.core.checks import Error, Tags, Warning, register
from redis.exceptions import ResponseError

from accounts.security.rate_limits import rate_parse
from accounts.security.redaction import redacted_url

REDIS_BACKEND = "django_redis.cache.RedisCache"


@register(Tags.caches)
def check_redis_reachable(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[Error]:
    """Every Redis server behind a cache alias must answer PING; one error per server."""
    aliases_by_server: dict[str, list[str]] = {}
    for alias, config in settings.CACHES.items():
        # The session store's own alias is checked by its strategy (E002).
        if alias == getattr(settings, "SESSION_CACHE_ALIAS", None):
            continue
        if config.get("BACKEND") == REDIS_BACKEND:
            server = urlsplit(str(config["LOCATION"])).netloc
            aliases_by_server.setdefault(server, []).append(alias)
    errors = []
    for aliases in aliases_by_server.values():
        alias = aliases[0]
        cache: Any = caches[alias]  # django-redis's RedisCache: untyped
        try:
            cache.client.get_client(write=True).ping()
        except Exception as exc:
            url = redacted_url(str(settings.CACHES[alias]["LOCATION"]))
            names = ", ".join(repr(a) for a in aliases)
            errors.append(
                Error(
                    f"Redis at {url} (caches {names}) is unreachable: {exc}",
                    id="authsite.E001",
                )
            )
    return errors


@register(Tags.caches)
def check_session_store_reachable(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[Error]:
    """The active session strategy's store must answer; one error per problem."""
    from accounts.sessions.registry import strategy_active

    strategy = strategy_active()
    return [
        Error(f"Session strategy {strategy.name!r}: {problem}", id="authsite.E002")
        for problem in strategy.check()
    ]


@register(Tags.caches)
def check_sessions_not_evicted(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[Warning]:
    """Warn when the Redis holding sessions may evict them under memory pressure.

    An evicted session key signs its user out without a trace. ``allkeys-*`` policies
    evict any key; ``volatile-*`` policies evict keys with an expiry, which every
    session key has, once ``maxmemory`` is reached. Only ``noeviction`` refuses writes
    instead (they then answer 503).
    """
    alias = settings.SESSION_CACHE_ALIAS
    config = settings.CACHES.get(alias, {})
    if config.get("BACKEND") != REDIS_BACKEND:
        return []
    cache: Any = caches[alias]  # django-redis's RedisCache: untyped
    try:
        client = cache.client.get_client(write=True)
        found = client.config_get("maxmemory*")
    except ResponseError:
        return []  # CONFIG is disabled (managed Redis): the policy cannot be read.
    except Exception:
        return []  # Unreachable: check_redis_reachable reports it.
    policy = str(found.get("maxmemory-policy", "noeviction"))
    maxmemory = int(found.get("maxmemory", 0) or 0)
    url = redacted_url(str(config["LOCATION"]))
    if policy.startswith("allkeys-"):
        return [
            Warning(
                f"Redis at {url} (cache {alias!r}) has maxmemory-policy {policy}: "
                "it may evict session keys and sign users out.",
                hint="Set maxmemory-policy noeviction on the Redis that holds "
                "sessions (docs/operations.md, 'Keeping sessions in Redis').",
                id="authsite.W601",
            )
        ]
    if policy.startswith("volatile-") and maxmemory > 0:
        return [
            Warning(
                f"Redis at {url} (cache {alias!r}) has maxmemory-policy {policy} with "
                f"maxmemory {maxmemory}: session keys expire, so they may be evicted.",
                hint="Use noeviction, or leave maxmemory unset on this Redis.",
                id="authsite.W602",
            )
        ]
    return []


@register()
def check_signup_form_rate(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[Error]:
    """AUTHSITE_THROTTLE_SIGNUP_FORM must be a rate that the signup throttle can read."""
    rate = settings.AUTHSITE_SIGNUP_FORM_RATE
    if not rate:
        return []
    try:
        rate_parse(rate)
    except ValueError as exc:
        return [Error(f"AUTHSITE_THROTTLE_SIGNUP_FORM: {exc}.", id="authsite.E701")]
    return []


MFA_POLICIES = ("none", "staff", "all")


@register()
def check_mfa_required(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[Error]:
    """AUTHSITE_MFA_REQUIRED must name a policy the site knows."""
    policy = settings.AUTHSITE_MFA_REQUIRED
    if policy not in MFA_POLICIES:
        return [
            Error(
                f"AUTHSITE_MFA_REQUIRED={policy!r} is not one of "
                f"{', '.join(MFA_POLICIES)}.",
                id="authsite.E801",
            )
        ]
    return []
