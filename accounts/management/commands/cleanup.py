"""``manage.py cleanup``: remove expired tokens, sessions, email verifications and old
sign-in events."""

from typing import Any

from django.core.management.base import BaseCommand

from accounts.retention import expired_remove


class Command(BaseCommand):
    help = (
        "Remove expired refresh tokens, expired database sessions, expired email "
        "verifications and sign-in events past their retention. Idempotent; run it "
        "from cron (hourly is plenty)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for name, count in expired_remove().items():
            self.stdout.write(f"{name}: {count} removed")
