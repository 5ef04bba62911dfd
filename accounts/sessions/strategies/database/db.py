"""The ``db`` strategy's engine: Django's database sessions in ``UserSession``, whose
user column lets the session index find a user's sessions with one query.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DBStore

from accounts.sessions.models import UserSession


class UserSessionMixin:
    """Keep sessions in ``UserSession`` and record each one's user."""

    @classmethod
    def get_model_class(cls) -> type[UserSession]:
        return UserSession

    def create_model_instance(self, data: dict[str, Any]) -> UserSession:
        instance: UserSession = super().create_model_instance(data)  # type: ignore[misc]
        user_id = data.get("_auth_user_id")
        instance.user_id = int(user_id) if user_id is not None else None
        return instance


class SessionStore(UserSessionMixin, DBStore):
    pass
