"""The ``db`` strategy's engine: Django's database sessions in ``UserSession``, whose
user column lets the session index find a user's sessions with one query.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.core.exceptions import SuspiciousOperation
from django.utils import timezone

from accounts.sessions.models import UserSession


class UserSessionMixin:
    """Keep sessions in ``UserSession`` and record each one's user.

    A session's row is read with its user's row (one query, a join); the core takes
    ``request.user`` from ``user_row`` rather than query the user again.
    """

    #: Engines with this flag put the signed-in user on the session (the core reads it).
    carries_user = True
    user_row: Any = None
    session_key: str | None
    _session_key: str | None

    def _get_session_from_db(self) -> UserSession | None:
        # Django's own, with the user's row joined in.
        try:
            row = UserSession.objects.select_related("user").get(
                session_key=self.session_key, expire_date__gt=timezone.now()
            )
        except (UserSession.DoesNotExist, SuspiciousOperation) as exc:
            if isinstance(exc, SuspiciousOperation):
                name = exc.__class__.__name__
                logging.getLogger(f"django.security.{name}").warning(str(exc))
            self._session_key = None
            return None
        self.user_row = row.user
        return row

    @classmethod
    def get_model_class(cls) -> type[UserSession]:
        return UserSession

    def create_model_instance(self, data: dict[str, Any]) -> UserSession:
        # The mixin's only base in the stubs is object; at run time it precedes Django's
        # db SessionStore, which defines create_model_instance.
        instance: UserSession = super().create_model_instance(data)  # type: ignore[misc]
        user_id = data.get("_auth_user_id")
        instance.user_id = int(user_id) if user_id is not None else None
        return instance


class SessionStore(UserSessionMixin, DBStore):
    pass
