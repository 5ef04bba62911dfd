"""The table of the ``db`` and ``cached_db`` strategies (app ``accounts``).

``accounts.models`` imports ``UserSession`` so that Django loads it with the app's
models; it keeps the app label and table it always had (no migration).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DjangoDBStore
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models


class UserSession(AbstractBaseSession):
    """A database session (``db`` and ``cached_db`` strategies) with its user's id."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )

    # The stubs declare no AbstractBaseSession.Meta; Django's class has one.
    class Meta(AbstractBaseSession.Meta):  # type: ignore[name-defined]
        app_label = "accounts"
        db_table = "accounts_usersession"

    @classmethod
    def get_session_store_class(cls) -> type[Any]:
        # Only encode() and get_decoded() use this class. Their signing salt is the
        # store class's name, "SessionStore", the same for every engine: Django's own
        # db engine reads and writes these rows' data exactly as ours does, without
        # this model importing the engine that imports it.
        return DjangoDBStore
