"""The project as an app: the folders the site needs before it serves a request.

Its keys are the accounts app's (accounts.start_up), settled in that app's ready().
"""

from pathlib import Path

from django.apps import AppConfig
from django.conf import settings


class AuthsiteConfig(AppConfig):
    name = "authsite"
    verbose_name = "authsite"

    def ready(self) -> None:
        # The SQLite database needs its folder, and WhiteNoise warns at every start
        # when STATIC_ROOT is missing. Created here, once settings are final, rather
        # than as a side effect of importing them.
        Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
