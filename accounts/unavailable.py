"""The answer given when a backing service (session store, database) cannot be reached."""

import logging

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from accounts.sessions.errors import STORE_ERRORS

logger = logging.getLogger("authsite.unavailable")

# A session store or the database: either one down answers 503.
SERVICE_ERRORS: tuple[type[BaseException], ...] = (*STORE_ERRORS, DatabaseError)

RETRY_AFTER_SECONDS = 30


def service_unavailable_response(
    request: HttpRequest, exc: BaseException
) -> HttpResponse:
    """Log one line naming the failure and answer 503, as JSON under /api/, else a page."""
    is_store = isinstance(exc, STORE_ERRORS)
    service = "session store" if is_store else "database"  # for the log, in English
    logger.error(
        "%s unavailable on %s %s: %s", service, request.method, request.path, exc
    )
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {
                "detail": (
                    _("The session store is temporarily unavailable.")
                    if is_store
                    else _("The database is temporarily unavailable.")
                ),
                "code": "service_unavailable",
            },
            status=503,
        )
    else:
        html = render_to_string("503.html", {"sign_in_unavailable": is_store})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    # The line above is the one log line; keep django.request from adding a second.
    # A private flag of django.utils.log that HttpResponse's stubs do not declare.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response
