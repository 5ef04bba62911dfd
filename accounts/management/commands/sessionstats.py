"""Measure the active session strategy's store: sessions, users, bytes per session."""

from django.core.management.base import BaseCommand

from accounts.sessions.index import index_active
from accounts.sessions.registry import strategy_active


class Command(BaseCommand):
    help = (
        "Print live sessions, users with sessions and store bytes per session "
        "(index entry included) for the active session strategy."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--sample",
            type=int,
            default=200,
            help="how many users' sessions to measure with MEMORY USAGE (default 200)",
        )

    def handle(self, *args, sample: int, **options):
        strategy = strategy_active()
        stats = index_active().stats(sample=max(sample, 1))

        def figure(value):
            return "unknown" if value is None else str(value)

        self.stdout.write(f"strategy: {strategy.name}")
        self.stdout.write(f"live sessions: {figure(stats.sessions)}")
        self.stdout.write(f"users with sessions: {figure(stats.users)}")
        for note in stats.notes:
            self.stdout.write(f"note: {note}")
        self.stdout.write(f"bytes per session: {figure(stats.bytes_per_session)}")
