"""Signals sent whenever a sign-in starts (a browser session, or an API client's token
pair) or a session ends.

Both send ``user``, ``kind`` (an ``AuthEvent.Kind`` value), ``session_id`` (the opaque
id, never the key; empty for an API sign-in that is no session: tokens are sessions
only under ``jwt``), ``ip``, ``device`` and ``method`` (how a sign-in was made: its RFC 8176 ``amr`` values,
space-separated; empty for an end). ``accounts.receivers`` writes an AuthEvent
row for each; other apps may listen too.
"""

from django.dispatch import Signal

session_started = Signal()
session_ended = Signal()

# Sent with ``user_ids`` after a ``QuerySet.update()`` of users, which sends no
# ``post_save``: ``accounts.receivers`` drops the cached copies of those users.
users_updated = Signal()
