"""Helpers for analytics sync tests: runs happen in-process, one worker step at a time (no
broker), against the sandbox over HTTP."""

from datetime import timedelta

import pytest
from django.utils import timezone

from analytics.models import SyncCursor
from analytics.services import schedule
from analytics.services.sync import sync_connection
from audit.models import PlatformSyncRun
from sandbox.models import SandboxRequest


class Sleeps(list):
    """Records the pauses a run asked for instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps():
    return Sleeps()


@pytest.fixture
def run_sync(sleeps):
    """Make the connection's cursor due now (as the reset or the schedule would) and run."""

    def run(connection):
        schedule.cursors_create_missing()
        SyncCursor.objects.filter(connection=connection).update(next_allowed_at=timezone.now())
        return sync_connection(connection_id=connection.pk, sleep=sleeps)

    return run


def cursor_of(connection) -> SyncCursor:
    return SyncCursor.objects.get(connection=connection)


def runs_of(connection) -> list[PlatformSyncRun]:
    return list(PlatformSyncRun.objects.filter(connection=connection).order_by("id"))


def requests_to(endpoint: str, **filters) -> list[SandboxRequest]:
    return list(SandboxRequest.objects.filter(endpoint=endpoint, **filters).order_by("id"))


def days_ago(days: float):
    return timezone.now() - timedelta(days=days)
