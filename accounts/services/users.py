"""Writes of a user's account: sign-up, profile and preferences, the password, and
the account's end (every sign-in ended, then the row deleted)."""

from django.conf import settings
from django.db import transaction

from accounts import verification
from accounts.emails import security_email_send
from accounts.models import AuthEvent, User, time_zone_known
from accounts.security import current_password
from accounts.services import token_pairs, user_sessions


@transaction.atomic
def user_register(
    *, username: str, email: str, password: str, language: str = ""
) -> User:
    """Create an active user with a hashed password, its address not yet verified;
    under AUTHSITE_EMAIL_VERIFICATION mandatory or optional, mail it a verification.
    Callers validate the input first."""
    user = User(
        username=username,
        email=User.objects.normalize_email(email),
        language=language,
        email_verified=False,
    )
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    if verification.verification_at_signup():
        verification.email_verification_send(user=user)
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
    if user.time_zone or not time_zone_known(time_zone):
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


def user_sign_out_everywhere(*, user: User, kind: str = AuthEvent.Kind.REVOKE) -> int:
    """End every sign-in of ``user`` now: browser sessions leave the store at once and
    every token issued so far is refused. Return how many browser sessions ended."""
    ended = user_sessions.sessions_revoke_all(user=user, kind=kind)
    token_pairs.user_tokens_revoke_all(user=user)
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
    user_sessions.sessions_end_all(user=user, kind=AuthEvent.Kind.PASSWORD_CHANGE)
    return user
