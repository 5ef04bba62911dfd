from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # First: every process stops here with weak keys (not only `manage.py check`),
        # and with DEBUG on the keys not given come from the var folder.
        from accounts.start_up import keys_settle

        keys_settle()
        from accounts import checks, receivers  # noqa: F401  (registers checks and signals)
        from accounts.tokens import checks as token_checks  # noqa: F401
        from accounts.tokens import claims  # noqa: F401  (reloads keys on setting_changed)
