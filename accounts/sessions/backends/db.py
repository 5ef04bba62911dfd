"""Database sessions in ``accounts.UserSession``: Django's table plus the user's id.

The user column is what lets the session index find a user's sessions with one query.
"""

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DBStore


class UserSessionMixin:
    @classmethod
    def get_model_class(cls):
        from accounts.models import UserSession

        return UserSession

    def create_model_instance(self, data: dict[str, Any]):
        instance = super().create_model_instance(data)  # type: ignore[misc]
        user_id = data.get("_auth_user_id")
        instance.user_id = int(user_id) if user_id is not None else None
        return instance


class SessionStore(UserSessionMixin, DBStore):
    pass
