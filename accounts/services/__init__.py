"""Writes: every state change of an account goes through one of these modules.

users.py          register, profile and preferences, password, delete
user_sessions.py  a browser session signed in, signed out, revoked; the limit
token_pairs.py    the API's token pairs: issue, refresh, revoke; the token record
auth_events.py    the rows of a user's sign-in activity
"""
