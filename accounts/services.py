"""Writes: every state change of an account goes through one of these functions."""

import ipaddress
import time
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare

from accounts.emails import security_email_once, security_email_send
from accounts.models import AuthEvent, User, time_zone_names
from accounts.security import current_password, lockout
from accounts.security.client_ip import client_ip
from accounts.selectors import (
    session_user_snapshot_keep,
    token_sign_in_rules,
    tokens_are_sessions,
    user_by_sign_in_name,
    user_device_is_new,
)
from accounts.sessions import metadata, timeouts, user_snapshots
from accounts.sessions.base import IndexedSession
from accounts.sessions.index import (
    index_add,
    index_remove,
    index_revoke,
    index_sessions,
    session_index_key,
)
from accounts.sessions.index import (
    session_id as opaque_session_id,
)
from accounts.sessions.strategies.jwt.sign_ins import sign_in_start_data
from accounts.signals import session_ended, session_started
from accounts.tokens import authenticated, issue, records, revocation
from accounts.tokens.issue import TokenPair


@transaction.atomic
def user_register(
    *, username: str, email: str, password: str, language: str = ""
) -> User:
    """Create an active user with a hashed password; callers validate the input first."""
    user = User(
        username=username, email=User.objects.normalize_email(email), language=language
    )
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


def user_profile_update(
    *,
    user: User,
    first_name: str,
    last_name: str,
    email: str,
    time_zone: str | None = None,
) -> User:
    """Save the editable profile fields of ``user``; None leaves the time zone be."""
    user.first_name = first_name
    user.last_name = last_name
    user.email = User.objects.normalize_email(email)
    fields = ["first_name", "last_name", "email"]
    if time_zone is not None:
        user.time_zone = time_zone
        fields.append("time_zone")
    user.save(update_fields=fields)
    return user


def user_time_zone_learn(*, user: User, time_zone: str) -> bool:
    """Keep the browser's time zone for a user who has none yet (a zone chosen on
    the profile is left as it is). Return whether it was saved."""
    if user.time_zone or time_zone not in time_zone_names():
        return False
    user.time_zone = time_zone
    user.save(update_fields=["time_zone"])
    return True


def current_password_check(*, user: User, password: str) -> None:
    """Check that ``password`` is the current password of ``user`` before a sensitive
    change. Raise CurrentPasswordWrong for a wrong one; CurrentPasswordLocked once the
    user's wrong ones reach AUTHSITE_LOGIN_FAILURE_LIMIT (refused for the cool-off,
    without checking; the user is emailed when the limit is reached)."""
    wait = current_password.failures_wait(user_id=user.pk)
    if wait:
        raise current_password.CurrentPasswordLocked(wait=wait)
    if user.check_password(password):
        current_password.failures_clear(user_id=user.pk)
        return
    count = current_password.failure_count(user_id=user.pk)
    if count < settings.AXES_FAILURE_LIMIT:
        raise current_password.CurrentPasswordWrong
    if count == settings.AXES_FAILURE_LIMIT:
        _current_password_locked_mail(user=user)
    raise current_password.CurrentPasswordLocked(
        wait=current_password.failures_wait(user_id=user.pk)
    )


def _current_password_locked_mail(*, user: User) -> None:
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds()) // 60)
    security_email_send(
        user=user,
        kind="locked_out",
        context={"cause": "current_password", "minutes": minutes},
    )


def user_preferences_update(
    *, user: User, language: str | None = None, theme: str | None = None
) -> User:
    """Keep the language and theme ``user`` chose; None leaves a preference as it is."""
    fields = []
    if language is not None:
        user.language = language
        fields.append("language")
    if theme is not None:
        user.theme = theme
        fields.append("theme")
    if fields:
        user.save(update_fields=fields)
    return user


# --- Sessions: start, end, revoke (issue 3) ----------------------------------------


def _session_signal(
    signal,
    *,
    user: User,
    kind: str,
    session_key: str,
    data: Mapping[str, Any],
    method: str = "",
) -> None:
    signal.send(
        sender=User,
        user=user,
        kind=kind,
        session_id=opaque_session_id(session_key) if session_key else "",
        ip=data.get(metadata.IP_KEY, ""),
        device=data.get(metadata.DEVICE_KEY, ""),
        method=method,
    )


def session_signed_in(*, request: HttpRequest, user: User) -> None:
    """Stamp, describe and index a session that was just signed in; apply the limit."""
    session = request.session
    timeouts.session_start(session, now=int(time.time()))
    metadata.session_describe(
        session,
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )
    # Write the signed-in data now, not with the response: the index and the session
    # limit below read the user's sessions from the store, this one included.
    session.save()
    index_add(session=session)
    # Now, while the user's row is at hand: the first page is then one read as well.
    session_user_snapshot_keep(session=session, user=user)
    device = session.get(metadata.DEVICE_KEY, "")
    # Before this sign-in's own row is written, which would make the device known.
    if user_device_is_new(user=user, device=device):
        security_email_send(
            user=user,
            kind="new_device",
            context={"device": device, "ip": session.get(metadata.IP_KEY, "")},
        )
    _session_signal(
        session_started,
        user=user,
        kind=AuthEvent.Kind.LOGIN,
        session_key=session_index_key(session) or "",
        data=session,
        method=" ".join(metadata.sign_in_amr(session)),
    )
    sessions_limit_apply(user=user, current_session_key=session_index_key(session))


def session_signed_out(
    *, request: HttpRequest, user: User, kind: str = AuthEvent.Kind.LOGOUT
) -> None:
    """Forget a session that is signing out (the engine deletes it from the store)."""
    session = request.session
    key = session_index_key(session)
    if key:
        index_remove(user_id=user.pk, session_key=key)
    _session_signal(
        session_ended,
        user=user,
        kind=kind,
        session_key=key or "",
        data=session,
    )


def session_key_rotated(
    *, user: User, old_key: str | None, session: SessionBase
) -> None:
    """Move the index entry of a session whose key was renewed (password change)."""
    if old_key and old_key != session_index_key(session):
        index_remove(user_id=user.pk, session_key=old_key)
    index_add(session=session)


def _sessions_end(*, user: User, sessions: list[IndexedSession], kind: str) -> int:
    # Each session leaves the store with ``kind`` kept as the reason its browser is
    # shown; the activity gets one row per action, written by the caller.
    for indexed in sessions:
        index_revoke(user_id=user.pk, session_key=indexed.key, reason=kind)
    return len(sessions)


def _action_record(
    *,
    user: User,
    kind: str,
    ended: list[IndexedSession],
    acting: Mapping[str, Any] | None = None,
    acting_key: str = "",
) -> None:
    """One activity row for an action that ended ``ended`` sessions: the ended
    session's device when it was one, else the device that acted (if known)."""
    if len(ended) == 1 and acting is None:
        key, data = ended[0].key, ended[0].data
    else:
        key, data = acting_key, acting or {}
    _session_signal(session_ended, user=user, kind=kind, session_key=key, data=data)


def session_revoke(
    *, user: User, session_id: str, kind: str = AuthEvent.Kind.REVOKE
) -> bool:
    """End the user's session with opaque id ``session_id`` in the store at once.

    Return False when the user has no live session with that id (already ended, or
    someone else's): nothing changes then.
    """
    matches = [
        s
        for s in index_sessions(user_id=user.pk)
        if constant_time_compare(opaque_session_id(s.key), session_id)
    ]
    if _sessions_end(user=user, sessions=matches, kind=kind):
        _action_record(user=user, kind=kind, ended=matches)
    return bool(matches)


def _sessions_others(
    *, user: User, keep_session_key: str | None
) -> list[IndexedSession]:
    return [s for s in index_sessions(user_id=user.pk) if s.key != keep_session_key]


def sessions_revoke_all(
    *,
    user: User,
    keep_session_key: str | None = None,
    kind: str = AuthEvent.Kind.REVOKE,
) -> int:
    """End every live session of ``user`` but ``keep_session_key``; return how many.

    One activity row records the action when it ended any session.
    """
    others = _sessions_others(user=user, keep_session_key=keep_session_key)
    if _sessions_end(user=user, sessions=others, kind=kind):
        _action_record(user=user, kind=kind, ended=others)
    return len(others)


def sessions_limit_apply(*, user: User, current_session_key: str | None) -> int:
    """End the least recently used sessions beyond AUTHSITE_MAX_SESSIONS_PER_USER."""
    limit = settings.AUTHSITE_MAX_SESSIONS_PER_USER
    if not limit:
        return 0
    live = index_sessions(user_id=user.pk)
    if len(live) <= limit:
        return 0
    others = sorted(
        (s for s in live if s.key != current_session_key),
        # The index's copy of the session data: last seen, then signed in, as numbers.
        key=lambda s: (
            s.data.get(timeouts.SEEN_KEY, 0),
            s.data.get(timeouts.STARTED_KEY, 0),
        ),
    )
    oldest = others[: len(live) - limit]
    # Each ended session is a sign-in of its own device: one row for each.
    for indexed in oldest:
        _sessions_end(user=user, sessions=[indexed], kind=AuthEvent.Kind.LIMIT)
        _action_record(user=user, kind=AuthEvent.Kind.LIMIT, ended=[indexed])
    return len(oldest)


def session_password_changed(
    *, request: HttpRequest, user: User, old_key: str | None
) -> int:
    """After a password change: keep this session, end every other one now.

    One activity row, for this device, whether or not other sessions ended.
    """
    session = request.session
    session_key_rotated(user=user, old_key=old_key, session=session)
    security_email_send(user=user, kind="password_changed")
    keep = session_index_key(session)
    others = _sessions_others(user=user, keep_session_key=keep)
    _sessions_end(user=user, sessions=others, kind=AuthEvent.Kind.PASSWORD_CHANGE)
    _action_record(
        user=user,
        kind=AuthEvent.Kind.PASSWORD_CHANGE,
        ended=others,
        acting=session,
        acting_key=keep or "",
    )
    return len(others)


def sessions_end_after_password_reset(*, user: User) -> int:
    """After a password reset: end every session of the user now (one activity row)."""
    security_email_send(user=user, kind="password_reset")
    ended = _sessions_others(user=user, keep_session_key=None)
    _sessions_end(user=user, sessions=ended, kind=AuthEvent.Kind.PASSWORD_RESET)
    _action_record(user=user, kind=AuthEvent.Kind.PASSWORD_RESET, ended=[], acting={})
    return len(ended)


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


def user_tokens_revoke_all(*, user: User) -> int:
    """End every sign-in of ``user``: tokens issued so far and browser sessions.

    Moving ``token_valid_after`` refuses every earlier access and refresh token at once
    and changes the session auth hash, so every browser session ends on its next
    request; every outstanding refresh token is blacklisted too. Returns how many were.
    """
    return revocation.user_tokens_revoke_all(user=user)


def user_sign_out_everywhere(*, user: User, kind: str = AuthEvent.Kind.REVOKE) -> int:
    """End every sign-in of ``user`` now: browser sessions leave the store at once and
    every token issued so far is refused. Return how many browser sessions ended."""
    ended = sessions_revoke_all(user=user, kind=kind)
    user_tokens_revoke_all(user=user)
    return ended


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete ``user``: every browser session and every token ends now, under every
    strategy, then the row goes, and its sign-in events with it."""
    # Now, while the row exists: the mail reads the address and language here.
    security_email_send(user=user, kind="account_deleted")
    user_sign_out_everywhere(user=user)
    user.delete()


@transaction.atomic
def user_password_change(*, user: User, new_password: str) -> User:
    """Set a new password; every token and session from before is refused from now on
    (User.save moves ``token_valid_after``), and browser sessions leave the store now."""
    user.set_password(new_password)
    user.save()
    security_email_send(user=user, kind="password_changed")
    ended = _sessions_others(user=user, keep_session_key=None)
    _sessions_end(user=user, sessions=ended, kind=AuthEvent.Kind.PASSWORD_CHANGE)
    _action_record(user=user, kind=AuthEvent.Kind.PASSWORD_CHANGE, ended=[], acting={})
    return user


# --- Tokens: issue, rotate, revoke ------------------------------------------------


def _token_sign_in_start(
    *, user: User, pair: TokenPair, request: HttpRequest | None
) -> None:
    # When tokens are sessions, a new pair is a new sign-in, listed with the others.
    if not tokens_are_sessions():
        return
    data = sign_in_start_data(
        ip=client_ip(request) if request is not None else "",
        user_agent=request.META.get("HTTP_USER_AGENT", "") if request else "",
    )
    records.sign_in_record(
        user_id=user.pk, sid=pair.sid, data={**data, records.ISSUED_KEY: pair.issued}
    )


def token_pair_obtain(
    *, request: HttpRequest, user: User, amr: list[str] | None = None
) -> TokenPair:
    """Sign ``user`` in to the API: clear the failed sign-ins of this request's
    (username, address), as a form sign-in does, and issue a token pair whose tokens
    say how (``amr``, RFC 8176; a password when not given)."""
    lockout.failures_reset(request=request, user=user)
    return token_pair_issue(user=user, request=request, password_checked=True, amr=amr)


def token_pair_issue(
    *,
    user: User,
    request: HttpRequest | None = None,
    password_checked: bool = False,
    amr: list[str] | None = None,
) -> TokenPair:
    """Issue a new token pair for ``user``; when tokens are sessions, a new sign-in.
    ``password_checked``: the password was just checked, so the new sign-in counts as
    re-authenticated. ``amr``: how it was signed in (RFC 8176; a password when not
    given)."""
    pair = issue.token_pair_issue(
        user_id=user.pk, amr=amr or list(metadata.PASSWORD_AMR)
    )
    _token_sign_in_start(user=user, pair=pair, request=request)
    if password_checked:
        authenticated.family_authenticated(family=pair.sid, at=pair.issued)
    return pair


def token_pair_refresh(*, refresh: str) -> TokenPair:
    """Use the refresh token ``refresh`` up and issue the next pair of its sign-in.

    Raise RefreshTokenAlreadyUsed when another request rotated it first, another
    TokenRejected when it is not accepted.
    """
    return issue.refresh_rotate(raw=refresh, sign_ins=token_sign_in_rules()).pair


def refresh_token_revoke(*, jti: str, family: str) -> None:
    """Blacklist the outstanding refresh token ``jti`` and end its sign-in
    (``family``): its access tokens are refused at once, under every strategy."""
    revocation.refresh_token_revoke(
        jti=jti, family=family, sign_ins=tokens_are_sessions()
    )


def token_record_forget(*, user_id: int) -> None:
    """Drop the user's cached snapshot from the token record after a change to the
    user: now, so that the change fails (and rolls back) if Redis is down, and again
    after commit, because a request may have cached the old row in between."""
    sign_ins = tokens_are_sessions()
    records.snapshot_forget(user_id=user_id, sign_ins=sign_ins)
    transaction.on_commit(
        lambda: records.snapshot_forget(user_id=user_id, sign_ins=sign_ins)
    )


def session_user_snapshots_forget(*, user_id: int) -> None:
    """Drop the user snapshots kept next to the user's sessions after a change to the
    user: now, so that the change fails (and rolls back) if the store is down, and
    again after commit, because a request may have cached the old row in between."""
    if not user_snapshots.snapshots_kept():
        return
    user_snapshots.user_snapshots_forget(user_id=user_id)
    transaction.on_commit(lambda: user_snapshots.user_snapshots_forget(user_id=user_id))
