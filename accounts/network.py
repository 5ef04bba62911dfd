"""Where a request comes from, as far as this site can trust it."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest, *, trusted_proxy_count: int | None = None) -> str:
    """The client's IP address: ``REMOTE_ADDR`` unless trusted proxies stand in front.

    With N trusted proxies (AUTHSITE_TRUSTED_PROXY_COUNT), each appends the address it
    saw to X-Forwarded-For, so the entry N places from the right was written by the
    outermost trusted proxy. Entries further left come from the client and may be
    forged; they are never used. A header shorter than N, or an entry that is not an
    IP address, means the request did not pass the proxies: REMOTE_ADDR is used.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = (
        settings.AUTHSITE_TRUSTED_PROXY_COUNT
        if trusted_proxy_count is None
        else trusted_proxy_count
    )
    if count <= 0:
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    entries = [entry.strip() for entry in header.split(",") if entry.strip()]
    if len(entries) < count:
        return remote
    candidate = entries[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
