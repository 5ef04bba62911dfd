"""The site's URLs plus views that fail on purpose, to show each error page."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path
from redis.exceptions import ConnectionError as RedisConnectionError

from authsite.urls import (  # noqa: F401  (Django looks the handlers up here)
    handler400,
    handler403,
    handler404,
    handler500,
    urlpatterns,
)


def bad_request(request):
    raise SuspiciousOperation("a malformed request")


def forbidden(request):
    raise PermissionDenied


def broken(request):
    raise RuntimeError("a bug")


def store_down(request):
    raise RedisConnectionError("the session store is down")


urlpatterns = [
    # First: the API's own patterns answer every other path under api/.
    path("api/errors/500/", broken),
    *urlpatterns,
    path("errors/400/", bad_request),
    path("errors/403/", forbidden),
    path("errors/500/", broken),
    path("errors/503/", store_down),
]
