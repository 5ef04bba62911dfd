from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from accounts import checks, receivers  # noqa: F401  (registers checks and signals)
        from accounts.tokens import checks as token_checks  # noqa: F401
        from accounts.tokens import claims  # noqa: F401  (reloads keys on setting_changed)
