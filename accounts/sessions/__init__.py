"""Where browser sessions live: the session strategies and the session index.

``registry`` names every strategy; each one's code (strategy, SESSION_ENGINE, index) is
in the module or sub-package of ``strategies/`` named after it. ``base`` declares what a
strategy and an index must do, ``index`` is the session index the rest of the site
calls, ``cache`` the cache engine and index several strategies share, ``codec`` the
byte encoding of the Redis store, ``models`` the table of the database strategies.
Nothing here may import a page, the API or DRF (an import-linter contract).
"""
