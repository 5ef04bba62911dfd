from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from accounts import checks, receivers  # noqa: F401  (registers checks and signals)
        from accounts.api import checks as api_checks  # noqa: F401
        from accounts.api import keys, schema, users  # noqa: F401  (receivers, schema)
