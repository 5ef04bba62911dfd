"""Name the node in every response, for the lab's balancer and its per-node counts.

Enabled by AUTHSITE_NODE_NAME (settings put it first in MIDDLEWARE, so even a 503
carries it). ``X-Session-Strategy`` lets the lab check that the node runs the strategy
it was started with.
"""

from django.conf import settings


class ServedByMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.node = settings.AUTHSITE_NODE_NAME
        # Before the strategies issue there is one behaviour: Redis sessions.
        self.strategy = getattr(settings, "AUTHSITE_SESSION_STRATEGY", "redis")

    def __call__(self, request):
        response = self.get_response(request)
        response["X-Served-By"] = self.node
        response["X-Session-Strategy"] = self.strategy
        return response
