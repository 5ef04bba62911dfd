"""Writes of the API's tokens: a pair issued at sign-in, refreshed, revoked, every
token of a user refused, and the user's cached token record forgotten."""

from django.db import transaction
from django.http import HttpRequest

from accounts.models import User
from accounts.security import lockout
from accounts.security.client_ip import client_ip
from accounts.selectors import token_sign_in_rules, tokens_are_sessions
from accounts.services import user_sessions
from accounts.sessions import metadata
from accounts.sessions.strategies.jwt.sign_ins import sign_in_start_data
from accounts.tokens import authenticated, issue, records, revocation
from accounts.tokens.issue import TokenPair


def user_tokens_revoke_all(*, user: User) -> int:
    """End every sign-in of ``user``: tokens issued so far and browser sessions.

    Moving ``token_valid_after`` refuses every earlier access and refresh token at once
    and changes the session auth hash, so every browser session ends on its next
    request; every outstanding refresh token is blacklisted too. Returns how many were.
    """
    return revocation.user_tokens_revoke_all(user=user)


def _sign_in_data(request: HttpRequest | None) -> dict:
    return sign_in_start_data(
        ip=client_ip(request) if request is not None else "",
        user_agent=request.META.get("HTTP_USER_AGENT", "") if request else "",
    )


def _token_sign_in_start(
    *, user: User, pair: TokenPair, request: HttpRequest | None
) -> None:
    # When tokens are sessions, a new pair is a new sign-in, listed with the others.
    if not tokens_are_sessions():
        return
    records.sign_in_record(
        user_id=user.pk,
        sid=pair.sid,
        data={**_sign_in_data(request), records.ISSUED_KEY: pair.issued},
    )


def token_pair_obtain(
    *, request: HttpRequest, user: User, amr: list[str] | None = None
) -> TokenPair:
    """Sign ``user`` in to the API: clear the failed sign-ins of this request's
    (username, address), as a form sign-in does, issue a token pair whose tokens say
    how (``amr``, RFC 8176; a password when not given), and write the sign-in to the
    user's activity, as a browser's is."""
    lockout.failures_reset(request=request, user=user)
    amr = amr or list(metadata.PASSWORD_AMR)
    pair = token_pair_issue(user=user, request=request, password_checked=True, amr=amr)
    user_sessions.sign_in_announce(
        user=user,
        # The sessions list shows the pair's sign-in only when tokens are sessions.
        session_key=pair.sid if tokens_are_sessions() else "",
        data=_sign_in_data(request),
        amr=amr,
    )
    return pair


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
