"""Name the node in every response, for the lab's balancer and its per-node counts.

Enabled by AUTHSITE_NODE_NAME (settings put it first in MIDDLEWARE, so even a 503
carries it). ``X-Session-Strategy`` lets the lab check that the node runs the strategy
it was started with.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class ServedByMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response["X-Served-By"] = settings.AUTHSITE_NODE_NAME
        response["X-Session-Strategy"] = settings.AUTHSITE_SESSION_STRATEGY
        return response
