"""The project as an app: what the site needs on disk before it serves a request."""

from pathlib import Path

from django.apps import AppConfig
from django.conf import settings

from authsite.start_up import keys_settle


class AuthsiteConfig(AppConfig):
    name = "authsite"
    verbose_name = "authsite"

    def ready(self) -> None:
        # The SQLite database needs its folder, and WhiteNoise warns at every start
        # when STATIC_ROOT is missing. Created here, once settings are final, rather
        # than as a side effect of importing them.
        Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
        # Every process stops here with weak keys (not only `manage.py check`), and
        # development keys come from the var folder.
        keys_settle()
