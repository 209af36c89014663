from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from audit.services import prune_older_than


class Command(BaseCommand):
    help = "Delete audit rows older than the retention period, and record that it did."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.AUDIT_RETENTION_DAYS,
            help="Keep this many days (default: AUDIT_RETENTION_DAYS).",
        )

    def handle(self, days, **options):
        if days < 1:
            self.stderr.write("--days must be at least 1.")
            return
        removed = prune_older_than(cutoff=timezone.now() - timedelta(days=days))
        for label, count in removed.items():
            self.stdout.write(f"{label}: removed {count}")
