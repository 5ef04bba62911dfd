"""Sessions in Redis: one server (``redis``), a primary with replicas
(``redis-replicated``) or Sentinel failover (``redis-sentinel``).

``strategy`` holds the three registry entries, ``engine`` and ``replicated`` the session
engines they name in SESSION_ENGINE, ``index`` the per-user sorted sets, ``replica`` the
django-redis client of ``redis-replicated`` that picks the server a read goes to.
"""
