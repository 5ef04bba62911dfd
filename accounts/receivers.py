"""Signal receivers of the core: session starts and ends, auth events, and the token
record kept true when a user changes."""

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.core.signals import request_finished, request_started
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest

from accounts import emails
from accounts.models import AuthEvent, User
from accounts.security import lockout
from accounts.services import auth_events, token_pairs, user_sessions
from accounts.signals import session_ended, session_started, users_updated


# Security emails of a request go after its response: request_finished is sent when
# the server closes the response, once the client has it.
@receiver(request_started, dispatch_uid="accounts.security_emails_begin")
def security_emails_begin(sender: Any, **kwargs: Any) -> None:
    emails.after_response_begin()


@receiver(request_finished, dispatch_uid="accounts.security_emails_send")
def security_emails_send(sender: Any, **kwargs: Any) -> None:
    emails.after_response_send()


# Set on a request by code that signs a user out for a reason other than "sign out".
END_KIND_ATTRIBUTE = "authsite_session_end_kind"


@receiver(user_logged_in, dispatch_uid="accounts.session_start")
def session_start_on_login(
    sender: Any, request: HttpRequest | None, user: User, **kwargs: Any
) -> None:
    if request is not None and hasattr(request, "session"):
        user_sessions.session_signed_in(request=request, user=user)


@receiver(user_logged_out, dispatch_uid="accounts.session_end")
def session_end_on_logout(
    sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any
) -> None:
    if user is not None and request is not None and hasattr(request, "session"):
        kind = getattr(request, END_KIND_ATTRIBUTE, AuthEvent.Kind.LOGOUT)
        user_sessions.session_signed_out(request=request, user=user, kind=kind)


@receiver(user_login_failed, dispatch_uid="accounts.sign_in_failed")
def sign_in_failed(
    sender: Any,
    credentials: dict[str, Any],
    request: HttpRequest | None = None,
    **kwargs: Any,
) -> None:
    # Runs before django-axes counts this failure: a request it refused outright
    # (already locked) carries its flag, and the failure that starts a lockout is
    # recorded by the receiver of axes' own signal below.
    if request is not None and lockout.is_locked_out(request):
        return
    auth_events.sign_in_failure_record(
        request=request, username=str(credentials.get("username", "")), locked_out=False
    )


@receiver(user_locked_out, dispatch_uid="accounts.sign_in_locked_out")
def sign_in_locked_out(
    sender: Any, request: HttpRequest | None, username: str | None, **kwargs: Any
) -> None:
    # django-axes' ``username`` is its counter name (accounts.security.lockout); the
    # name as typed is in the credentials it keeps on the request.
    credentials = getattr(request, "axes_credentials", None) or {}
    auth_events.sign_in_failure_record(
        request=request, username=str(credentials.get("username", "")), locked_out=True
    )


@receiver(session_started, dispatch_uid="accounts.auth_event_started")
@receiver(session_ended, dispatch_uid="accounts.auth_event_ended")
def auth_event_write(
    sender: Any,
    user: User,
    kind: str,
    session_id: str,
    ip: str,
    device: str,
    method: str = "",
    **kwargs: Any,
) -> None:
    auth_events.auth_event_record(
        user=user, kind=kind, session_id=session_id, ip=ip, device=device, method=method
    )


# Any save or delete of a user drops its token snapshot; if Redis is down at that
# moment the save fails (503) rather than leave a stale snapshot that would accept a
# revoked token.
@receiver(post_save, sender=User, dispatch_uid="accounts.token_record_saved")
def token_record_forget_on_save(
    sender: Any,
    instance: User,
    created: bool,
    update_fields: frozenset[str] | None = None,
    **kwargs: Any,
) -> None:
    if created or (update_fields is not None and set(update_fields) <= {"last_login"}):
        return
    token_pairs.token_record_forget(user_id=instance.pk)
    user_sessions.session_user_snapshots_forget(user_id=instance.pk)


@receiver(post_delete, sender=User, dispatch_uid="accounts.token_record_deleted")
def token_record_forget_on_delete(sender: Any, instance: User, **kwargs: Any) -> None:
    token_pairs.token_record_forget(user_id=instance.pk)
    user_sessions.session_user_snapshots_forget(user_id=instance.pk)


# Groups and permissions: from either side (user.groups.add(g), g.user_set.add(u)).
# pre_clear, because after a clear the reverse side no longer names its users.
@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="accounts.snap_groups")
@receiver(
    m2m_changed,
    sender=User.user_permissions.through,
    dispatch_uid="accounts.snap_perms",
)
def session_user_snapshots_forget_on_m2m(
    sender: Any,
    instance: Any,
    action: str,
    reverse: bool,
    pk_set: set[int] | None,
    **kwargs: Any,
) -> None:
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if not reverse:
        user_ids = [instance.pk]
    elif action == "pre_clear":
        user_ids = list(instance.user_set.values_list("pk", flat=True))
    else:
        user_ids = list(pk_set or ())
    for user_id in user_ids:
        user_sessions.session_user_snapshots_forget(user_id=user_id)


@receiver(users_updated, dispatch_uid="accounts.cached_users_forget_on_update")
def cached_users_forget_on_update(
    sender: Any, user_ids: list[int], **kwargs: Any
) -> None:
    for user_id in user_ids:
        token_pairs.token_record_forget(user_id=user_id)
        user_sessions.session_user_snapshots_forget(user_id=user_id)
