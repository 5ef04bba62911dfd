"""Writes of a user's sign-in activity: one AuthEvent row per event, and the rows of
failed or refused sign-ins."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest

from accounts.emails import security_email_once
from accounts.models import AuthEvent, User
from accounts.security.client_ip import client_ip
from accounts.selectors import user_by_sign_in_name
from accounts.sessions import metadata


def auth_event_record(
    *, user: User, kind: str, session_id: str, ip: str, device: str, method: str = ""
) -> AuthEvent:
    """Write one AuthEvent row (an IP that does not parse is left out)."""
    try:
        valid_ip: str | None = str(ipaddress.ip_address(ip)) if ip else None
    except ValueError:
        valid_ip = None
    return AuthEvent.objects.create(
        user=user,
        kind=kind,
        session_id=session_id,
        ip=valid_ip,
        device=device[:100],
        method=method[:40],
    )


def sign_in_failure_record(
    *, request: HttpRequest | None, username: str, locked_out: bool
) -> AuthEvent | None:
    """Write a failed or refused sign-in into the named user's activity (nothing for
    a name that has no account: there is nobody to show it to)."""
    user = user_by_sign_in_name(name=username)
    if user is None:
        return None
    kind = AuthEvent.Kind.LOCKED_OUT if locked_out else AuthEvent.Kind.LOGIN_FAILED
    if locked_out:
        minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds()) // 60)
        security_email_once(
            user=user,
            kind="locked_out",
            context={"cause": "sign_in", "minutes": minutes},
        )
    meta = request.META if request is not None else {}
    return auth_event_record(
        user=user,
        kind=kind,
        session_id="",
        ip=client_ip(request) if request is not None else "",
        device=metadata.device_name(meta.get("HTTP_USER_AGENT", "")),
    )
