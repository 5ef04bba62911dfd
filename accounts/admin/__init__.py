"""The admin site's pages for the accounts app, one module per concern: the users
(accounts.admin.users), the sign-in events and the live sessions
(accounts.admin.activity). Django's autodiscovery imports this package; importing the
modules registers their ModelAdmins."""

from accounts.admin import activity, users

__all__ = ["activity", "users"]
