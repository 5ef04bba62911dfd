"""No index: the session lives in the browser (signed cookies), the server keeps nothing."""

from __future__ import annotations

from accounts.sessions.base import IndexedSession, SessionIndex, StoreStats


class NoSessionIndex(SessionIndex):
    can_list_all = False

    def add(self, *, user_id: int, session_key: str, expires: int) -> None:
        """Nothing is kept on the server."""

    def touch(self, *, user_id: int, session_key: str, expires: int) -> None:
        """Nothing is kept on the server."""

    def remove(self, *, user_id: int, session_key: str) -> None:
        """Nothing is kept on the server."""

    def sessions(self, *, user_id: int) -> list[IndexedSession]:
        return []

    def page(
        self, *, cursor: str, size: int
    ) -> tuple[list[IndexedSession], str | None]:
        return [], None

    def stats(self, *, sample: int) -> StoreStats:
        return StoreStats(
            sessions=None,
            users=None,
            bytes_per_session=0,
            notes=("sessions live in the browser's cookie; the server stores nothing",),
        )
