"""Per-address rate limits on the endpoints that take credentials, counted in Redis.

DRF's cache throttle on the default (Redis) cache. That cache never hides an outage,
so with Redis down these endpoints answer 503 instead of running unthrottled.
"""

from django.conf import settings
from rest_framework.throttling import ScopedRateThrottle

from accounts.security.client_ip import client_bucket


class AddressRateThrottle(ScopedRateThrottle):
    """ScopedRateThrottle keyed on the client address, with rates read at call time."""

    def get_rate(self) -> str | None:
        if self.scope is None:
            return None
        return settings.AUTHSITE_API_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request) -> str:
        return client_bucket(request)

    def get_cache_key(self, request, view) -> str:
        # Per address even for a signed-in caller: these endpoints take credentials.
        return self.cache_format % {
            "scope": self.scope,
            "ident": self.get_ident(request),
        }
