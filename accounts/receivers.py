from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from accounts import services
from accounts.models import AuthEvent
from accounts.signals import session_ended, session_started

# Set on a request by code that signs a user out for a reason other than "sign out".
END_KIND_ATTRIBUTE = "authsite_session_end_kind"


@receiver(user_logged_in, dispatch_uid="accounts.session_start")
def session_start_on_login(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        services.session_signed_in(request=request, user=user)


@receiver(user_logged_out, dispatch_uid="accounts.session_end")
def session_end_on_logout(sender, request, user, **kwargs) -> None:
    if user is not None and request is not None and hasattr(request, "session"):
        kind = getattr(request, END_KIND_ATTRIBUTE, AuthEvent.Kind.LOGOUT)
        services.session_signed_out(request=request, user=user, kind=kind)


@receiver(session_started, dispatch_uid="accounts.auth_event_started")
@receiver(session_ended, dispatch_uid="accounts.auth_event_ended")
def auth_event_write(sender, user, kind, session_id, ip, device, **kwargs) -> None:
    services.auth_event_record(
        user=user, kind=kind, session_id=session_id, ip=ip, device=device
    )
