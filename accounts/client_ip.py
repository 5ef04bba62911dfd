"""The client's address, in one place for lockout, throttles and logs.

X-Forwarded-For is written by whoever sends the request, so it is believed only as far
as AUTHSITE_TRUSTED_PROXY_COUNT proxies of ours have appended to it; with no trusted
proxy the address is REMOTE_ADDR and a forged header changes nothing.
"""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """Return the address of the client that sent ``request``."""
    remote_addr = request.META.get("REMOTE_ADDR", "") or ""
    proxies = settings.AUTHSITE_TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote_addr
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if not forwarded:
        return remote_addr
    # Each trusted proxy appended the address it saw: the client is the entry that
    # the outermost trusted proxy appended, counted from the right.
    return forwarded[-min(proxies, len(forwarded))]
