"""A JSON parser that refuses bodies over DATA_UPLOAD_MAX_MEMORY_SIZE with 413.

Django enforces that limit for ``request.body`` and form data only; DRF reads the raw
stream, so without this a client could make the API parse any size of JSON.
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import parsers, status
from rest_framework.exceptions import APIException, ParseError


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "request_too_large"


class _LimitedStream:
    def __init__(self, stream, limit: int) -> None:
        self.stream, self.limit, self.done = stream, limit, False

    def read(self, size: int = -1) -> bytes:
        if self.done:
            return b""
        self.done = True
        data = self.stream.read(self.limit + 1)
        if len(data) > self.limit:
            raise RequestTooLarge
        return data


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        request = (parser_context or {}).get("request")
        length = request.META.get("CONTENT_LENGTH") if request is not None else None
        if limit is not None:
            if length and str(length).isdigit() and int(length) > limit:
                raise RequestTooLarge
            stream = _LimitedStream(stream, limit)
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply.") from None
