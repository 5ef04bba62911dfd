from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest


class UsernameOrEmailBackend(ModelBackend):
    """Authenticate with a username or an email address, either in any letter case.

    Usernames cannot contain "@", so a login name with one is always an email.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ):
        user_model = get_user_model()
        if username is None:
            username = kwargs.get(user_model.USERNAME_FIELD)
        if not username or password is None:
            return None
        if len(password) > settings.AUTHSITE_PASSWORD_MAX_LENGTH:
            return None  # refused before any hashing, for known and unknown names alike
        lookup = "email__iexact" if "@" in username else "username__iexact"
        try:
            user = user_model._default_manager.get(**{lookup: username})
        except user_model.DoesNotExist:
            # Hash anyway, so an unknown name takes as long as a wrong password.
            user_model().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
