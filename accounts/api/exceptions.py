"""Every API error as JSON: ``{"detail", "code"}`` or a map of field errors.

Store outages become the site's one-line-logged 503 (accounts.unavailable); a body
over the size limit is 413; nothing a client sends becomes a 500.
"""

from django.core.exceptions import RequestDataTooBig
from rest_framework import exceptions
from rest_framework.views import exception_handler

from accounts.api.parsers import RequestTooLarge
from accounts.unavailable import SERVICE_ERRORS, service_unavailable_response


def api_exception_handler(exc, context):
    request = context.get("request")
    if isinstance(exc, SERVICE_ERRORS) and request:
        return service_unavailable_response(request._request, exc)
    if isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge()
    response = exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, dict) and "detail" in data and "code" not in data:
        detail = data["detail"]
        data["code"] = getattr(detail, "code", None) or _default_code(exc)
    elif isinstance(data, list):
        response.data = {"detail": data[0] if data else "", "code": _default_code(exc)}
    return response


def _default_code(exc) -> str:
    if isinstance(exc, exceptions.APIException):
        return exc.default_code
    return "error"
