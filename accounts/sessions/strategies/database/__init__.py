"""Sessions in the relational database (``db``), or there with a Redis cache in front
(``cached_db``).

``strategy`` holds both registry entries, ``db`` and ``cached_db`` the session engines
they name in SESSION_ENGINE, ``index`` the session index over the same table
(``accounts.sessions.models.UserSession``).
"""
