"""Reads: what pages and the API show, computed in one place."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user,
)
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare

from accounts import verification
from accounts.models import AuthEvent, User
from accounts.sessions import end_reasons
from accounts.sessions.index import (
    SessionEntry,
    index_active,
    index_entries,
    session_entry,
)
from accounts.sessions.registry import strategy_active
from accounts.sessions.strategies.jwt.sign_ins import SIGN_IN_RULES
from accounts.tokens import records


def sessions_for_user(
    *,
    user: User,
    current_session_key: str | None = None,
    current_session: SessionBase | None = None,
    current_index_key: str | None = None,
) -> list[SessionEntry]:
    """The user's live sessions, newest first; the one with ``current_session_key``
    (or ``current_session``, which also covers strategies without a server-side
    store, or the index key itself: the ``sid`` of an API token) is marked ``current``.
    """
    return index_entries(
        user_id=user.pk,
        current_key=current_session_key,
        current_session=current_session,
        current_index_key=current_index_key,
    )


def sessions_revocable() -> bool:
    """Whether the active strategy can end any session at once, on every server."""
    return strategy_active().revocable


def sessions_revocation_limits() -> str:
    """What the active strategy cannot end and why; empty when it can end anything."""
    return strategy_active().revocation_limits


def auth_events_for_user(*, user: User, limit: int = 10) -> list[AuthEvent]:
    """The user's most recent session starts and ends, newest first."""
    return list(AuthEvent.objects.filter(user=user)[:limit])


def user_by_sign_in_name(*, name: str) -> User | None:
    """The user a sign-in form's name means (a username, or an email with "@")."""
    name = (name or "").strip()
    if not name:
        return None
    lookup = "email__iexact" if "@" in name else "username__iexact"
    return User.objects.filter(**{lookup: name}).first()


@dataclass(frozen=True)
class AccountOverview:
    """What the account home shows a signed-in user about their account."""

    email: str
    # None: this site does not verify addresses (AUTHSITE_EMAIL_VERIFICATION none).
    email_verified: bool | None
    has_password: bool
    password_changed: dt.datetime | None
    sessions: list[SessionEntry]
    latest_session: SessionEntry | None
    recent_sign_ins: list[AuthEvent]
    failed_attempts: list[AuthEvent]
    failed_count: int


FAILED_KINDS = (AuthEvent.Kind.LOGIN_FAILED, AuthEvent.Kind.LOCKED_OUT)
PASSWORD_KINDS = (AuthEvent.Kind.PASSWORD_CHANGE, AuthEvent.Kind.PASSWORD_RESET)


def account_overview(
    *, user: User, current_session: SessionBase | None = None, limit: int = 3
) -> AccountOverview:
    """The account home's figures: email, sign-in methods, sessions, recent sign-ins,
    failed attempts since the last sign-in, and when the password was last set."""
    sessions = sessions_for_user(user=user, current_session=current_session)
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
    latest = max(sessions, key=lambda e: e.created or epoch, default=None)
    events = AuthEvent.objects.filter(user=user)
    sign_ins = list(events.filter(kind=AuthEvent.Kind.LOGIN)[: limit + 1])
    # Failures since the sign-in before this one: the ones this user has not seen.
    since = sign_ins[1].created if len(sign_ins) > 1 else None
    failures = events.filter(kind__in=FAILED_KINDS)
    if since is not None:
        failures = failures.filter(created__gt=since)
    password_event = events.filter(kind__in=PASSWORD_KINDS).first()
    return AccountOverview(
        email=user.email,
        email_verified=(
            user.email_verified if verification.verification_at_signup() else None
        ),
        has_password=user.has_usable_password(),
        password_changed=(
            password_event.created if password_event is not None else user.date_joined
        ),
        sessions=sessions,
        latest_session=latest,
        recent_sign_ins=sign_ins[:limit],
        failed_attempts=list(failures[:limit]),
        failed_count=failures.count(),
    )


def live_sessions_page(
    *, cursor: str = "", size: int = 50, user: User | None = None
) -> tuple[list[SessionEntry], str | None, bool]:
    """One page of live sessions in the store, for the admin.

    Return the entries, the cursor of the next page (None on the last) and whether
    the store can list every session at all (memcached cannot: filter by user then).
    With ``user``, that user's sessions on one page.
    """
    index = index_active()
    if user is not None:
        return index_entries(user_id=user.pk), None, index.can_list_all
    if not index.can_list_all:
        return [], None, False
    indexed, next_cursor = index.page(cursor=cursor, size=size)
    entries = [session_entry(s, current_key=None) for s in indexed]
    return entries, next_cursor, True


# --- Tokens ------------------------------------------------------------------------


def tokens_are_sessions() -> bool:
    """Whether the active strategy treats each refresh token as a session (``jwt``)."""
    return strategy_active().tokens_are_sessions


def token_sign_in_rules() -> records.SignInRules | None:
    """The rules for sign-ins in the token record; None when tokens are not sessions."""
    return SIGN_IN_RULES if tokens_are_sessions() else None


def token_user(*, payload: Mapping[str, Any]) -> User:
    """The active user a verified token names, from the token record (no database
    query when warm); raise a TokenRejected for a revoked token or an ended sign-in."""
    user, _ = records.token_sign_in(payload=payload, sign_ins=token_sign_in_rules())
    return user


def user_for_update(*, user: AbstractBaseUser | AnonymousUser) -> User:
    """The database row of ``user`` (a token user is a partial, unsaveable copy)."""
    if user.pk is None:
        raise User.DoesNotExist
    return User.objects.get(pk=user.pk)


def _snapshot_fits(session: SessionBase, snapshot: Any) -> bool:
    # The snapshot was taken for this very sign-in: same user, same backend, same
    # password (the session auth hash changes with it), and the user was active.
    # A snapshot taken before a field was added to snapshots is read again.
    return (
        isinstance(snapshot, dict)
        and snapshot.keys() >= records.SNAPSHOT_KEYS
        and snapshot.get("id") == str(session.get(SESSION_KEY))
        and snapshot.get("backend") == session.get(BACKEND_SESSION_KEY)
        and snapshot.get("backend") in settings.AUTHENTICATION_BACKENDS
        and snapshot.get("is_active") == "True"
        and constant_time_compare(
            snapshot.get("hash", ""), session.get(HASH_SESSION_KEY) or ""
        )
    )


def signed_cookie_end_reason(*, cookie: str) -> str | None:
    """Why a signed-cookie session that this request ended was ended: the reason a
    timeout kept for it, else a password changed since it signed in (its cookie
    carries a fingerprint of the old password; the latest password event says whether
    it was changed or reset). None when nothing ended it (a sign-out of its own)."""
    engine = import_module(settings.SESSION_ENGINE)
    data = engine.SessionStore(cookie).load()
    user_id, fingerprint = data.get(SESSION_KEY), data.get(HASH_SESSION_KEY)
    if user_id is None or not isinstance(fingerprint, str):
        return None  # an anonymous cookie, or one that is not ours
    reason = end_reasons.reason_of(session_key=cookie)
    if reason is not None:
        return reason
    user = User.objects.filter(pk=user_id).first()
    if user is None or constant_time_compare(fingerprint, user.get_session_auth_hash()):
        return None
    event = AuthEvent.objects.filter(user=user, kind__in=PASSWORD_KINDS).first()
    return event.kind if event is not None else AuthEvent.Kind.PASSWORD_CHANGE


def session_user(*, request: HttpRequest) -> AbstractBaseUser | AnonymousUser:
    """The request's signed-in user: from the snapshot that the session store returned
    with the session (no query), else Django's ``get_user`` (the database), whose
    answer then becomes the snapshot. A snapshot user is a partial, unsaveable copy."""
    session = request.session
    if session.get(SESSION_KEY) is None:
        return AnonymousUser()
    snapshot: Any = getattr(session, "user_snapshot", None)
    if _snapshot_fits(session, snapshot):
        return records.user_of_snapshot(int(session[SESSION_KEY]), snapshot)
    row = getattr(session, "user_row", None)  # read with the session (db engines)
    if row is not None and _snapshot_fits(session, _snapshot_of(row, session)):
        return row
    user = get_user(request)
    if user.is_authenticated:
        session_user_snapshot_keep(session=session, user=user)
    return user


def session_user_snapshot_keep(*, session: SessionBase, user: Any) -> None:
    """Cache ``user``'s snapshot next to ``session`` when its engine keeps one."""
    keep = getattr(session, "user_snapshot_keep", None)
    if keep is not None:
        keep(_snapshot_of(user, session))


def _snapshot_of(user: Any, session: SessionBase) -> dict[str, str]:
    return {
        **records.snapshot_of_user(user),
        "id": str(user.pk),
        "backend": session.get(BACKEND_SESSION_KEY) or "",
        "hash": user.get_session_auth_hash(),
    }


def user_device_is_new(*, user: User, device: str) -> bool:
    """Whether ``user`` has signed in before, but never from ``device`` (a device
    name as the activity records it)."""
    sign_ins = AuthEvent.objects.filter(user=user, kind=AuthEvent.Kind.LOGIN)
    return sign_ins.exists() and not sign_ins.filter(device=device[:100]).exists()
