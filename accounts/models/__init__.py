"""The app's models, one module per concern; Django loads them from here.

    users.py                the user, its manager, theme and time zones
    activity.py             sign-in activity (AuthEvent) and the live sessions' admin page
    authenticators.py       second factors, and the user's flag that mirrors them
    email_verifications.py  the messages that prove an address

Every model and helper is named here too: ``accounts.models.User`` is where Django
code and the migrations (validators, the manager) look for them.
"""

from accounts.models.activity import AuthEvent, LiveSession
from accounts.models.authenticators import (
    PRIMARY_KINDS,
    Authenticator,
    AuthenticatorQuerySet,
    second_factor_flags_refresh,
)
from accounts.models.email_verifications import EmailVerification
from accounts.models.users import (
    AccountUserManager,
    Theme,
    User,
    UsernameValidator,
    UserQuerySet,
    time_zone_known,
    time_zone_names,
    time_zone_validate,
)

# The table of the database session strategies lives with their code; importing it
# here is what makes Django load it with the app's models.
from accounts.sessions.models import UserSession

__all__ = [
    "PRIMARY_KINDS",
    "AccountUserManager",
    "AuthEvent",
    "Authenticator",
    "AuthenticatorQuerySet",
    "EmailVerification",
    "LiveSession",
    "Theme",
    "User",
    "UserQuerySet",
    "UserSession",
    "UsernameValidator",
    "second_factor_flags_refresh",
    "time_zone_known",
    "time_zone_names",
    "time_zone_validate",
]
