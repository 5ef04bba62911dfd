"""The token domain: keys, token classes and claim checks, the per-user record in
Redis, issuing and rotation, revocation, cookie names.

It knows no page, no API and no session strategy: callers pass in what a strategy
decides (whether sign-ins are tracked, when one is still live).
"""
