"""The session index for database sessions: the ``accounts_usersession`` rows themselves,
found by their user column. The engine writes them, so add, touch and remove have
nothing to do; listing drops the user's expired rows on the way.
"""

from __future__ import annotations

from typing import cast

from django.db.models import Avg, Count, QuerySet
from django.db.models.functions import Length
from django.utils import timezone

from accounts.sessions import metadata
from accounts.sessions.base import IndexedSession, SessionIndex, StoreStats
from accounts.sessions.models import UserSession


def _indexed(row: UserSession) -> IndexedSession:
    data = row.get_decoded()
    # Only rows with a user are listed (``_live``, or a filter on the user's id).
    user_id = cast(int, row.user_id)
    return IndexedSession(
        row.session_key, user_id, data, metadata.session_expires(data)
    )


class DatabaseSessionIndex(SessionIndex):
    def _live(self) -> QuerySet[UserSession]:
        return UserSession.objects.filter(
            user__isnull=False, expire_date__gt=timezone.now()
        )

    def add(self, *, user_id: int, session_key: str, expires: int) -> None:
        """The engine already wrote the row with its user."""

    def touch(self, *, user_id: int, session_key: str, expires: int) -> None:
        """The engine's save already moved the row's expiry."""

    def remove(self, *, user_id: int, session_key: str) -> None:
        """The engine's delete already removed the row."""

    def sessions(self, *, user_id: int) -> list[IndexedSession]:
        UserSession.objects.filter(
            user_id=user_id, expire_date__lte=timezone.now()
        ).delete()
        return [_indexed(row) for row in self._live().filter(user_id=user_id)]

    def page(
        self, *, cursor: str, size: int
    ) -> tuple[list[IndexedSession], str | None]:
        offset = int(cursor) if cursor.isdigit() else 0
        rows = list(self._live().order_by("pk")[offset : offset + size + 1])
        more = len(rows) > size
        return [_indexed(row) for row in rows[:size]], (
            str(offset + size) if more else None
        )

    def stats(self, *, sample: int) -> StoreStats:
        live = self._live()
        figures = live.aggregate(
            sessions=Count("pk"),
            users=Count("user", distinct=True),
            data=Avg(Length("session_data")),
        )
        return StoreStats(
            sessions=figures["sessions"],
            users=figures["users"],
            bytes_per_session=round((figures["data"] or 0) + 40 + 8 + 8) or None,
            notes=(
                "database bytes: session_data + key + expiry + user id, "
                "without the table's own overhead",
            ),
        )
