"""The lab's middleware: the node's name in every response, and authbench's ceiling.

``ServedByMiddleware`` is enabled by AUTHSITE_NODE_NAME (settings put it first in
MIDDLEWARE, so even a 503 carries it). ``X-Session-Strategy`` lets the lab check that
the node runs the strategy it was started with.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse


class ServedByMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response["X-Served-By"] = settings.AUTHSITE_NODE_NAME
        response["X-Session-Strategy"] = settings.AUTHSITE_SESSION_STRATEGY
        return response


class CeilingUserMiddleware:
    """Attach AUTHSITE_LAB_CEILING_USER to every request from memory (authbench only).

    The user row is read once per process; after that a request costs what the
    signed-in page costs to render with no session store and no database, the
    ceiling that every ``page_<strategy>`` is measured against.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.user: Any = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.user is None:
            self.user = get_user_model()._default_manager.get_by_natural_key(
                settings.AUTHSITE_LAB_CEILING_USER
            )
        request.user = self.user
        return self.get_response(request)
