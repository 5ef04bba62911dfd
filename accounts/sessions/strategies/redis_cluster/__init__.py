"""The ``redis-cluster`` strategy: sessions and their index on a Redis Cluster.

``strategy`` names the settings and the checks, ``client`` plugs redis-py's
``RedisCluster`` into django-redis, ``session_keys`` gives a signed-in session key its user's
hash tag, ``transaction`` writes a session and its index entry in one ``MULTI`` and
waits for a replica, ``engine`` is the ``SESSION_ENGINE``, ``index`` the session index
over every primary.
"""
