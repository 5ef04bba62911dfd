"""The client's address, in one place for lockout, throttles, sessions and logs.

X-Forwarded-For is written by whoever sends the request, so it is believed only as far
as AUTHSITE_TRUSTED_PROXY_COUNT proxies of ours have appended to it; with no trusted
proxy the address is REMOTE_ADDR and a forged header changes nothing.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest, *, trusted_proxy_count: int | None = None) -> str:
    """Return the address of the client that sent ``request``.

    With N trusted proxies (AUTHSITE_TRUSTED_PROXY_COUNT, or ``trusted_proxy_count``),
    each appends the address it saw to X-Forwarded-For, so the entry N places from the
    right was written by the outermost trusted proxy. Entries further left come from
    the client and may be forged; they are never used. A header shorter than N, or an
    entry that is not an IP address, means the request did not pass the proxies:
    REMOTE_ADDR is used.
    """
    remote_addr = request.META.get("REMOTE_ADDR", "") or ""
    proxies = (
        settings.AUTHSITE_TRUSTED_PROXY_COUNT
        if trusted_proxy_count is None
        else trusted_proxy_count
    )
    if proxies <= 0:
        return remote_addr
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < proxies:
        return remote_addr
    try:
        return str(ipaddress.ip_address(forwarded[-proxies]))
    except ValueError:
        return remote_addr


#: How much of an IPv6 address one client is assumed to hold. A /64 is the smallest
#: network handed to a customer (RFC 6177); anyone holding one can rotate through
#: 2**64 addresses, so counting addresses one by one would count nothing.
IPV6_CLIENT_PREFIX = 64


def address_bucket(address: str) -> str:
    """What counters count for ``address``: an IPv4 address as it is (also when it
    arrives IPv4-mapped, ``::ffff:192.0.2.1``), an IPv6 address as its /64 network.
    Anything that is not an address is returned unchanged."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        network = ipaddress.IPv6Network(f"{parsed}/{IPV6_CLIENT_PREFIX}", strict=False)
        return str(network)
    return str(parsed)


def client_bucket(request: HttpRequest) -> str:
    """The client address as sign-in lockout and every throttle count it (see
    ``address_bucket``); sessions and logs keep the full ``client_ip``."""
    return address_bucket(client_ip(request))
