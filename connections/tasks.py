"""Connection tasks: thin; they take ids and call services.

The Beat sweep reads only due rows (partial index on refresh_due_at) and fans out one task
per connection, so a tick's cost depends on what is due, never on how many connections exist.
"""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from connections.models import OAuthState
from connections.selectors import connections_due
from connections.services import connection_sweep_one

SWEEP_BATCH = 500


def sweep_due_connections(*, now=None, enqueue=None) -> list[int]:
    """Find due connections and hand each to `enqueue` (the per-connection task by default)."""
    enqueue = enqueue or (
        lambda connection_id: refresh_connection.delay(connection_id=connection_id)
    )
    due = connections_due(now=now, limit=SWEEP_BATCH)
    for connection_id in due:
        enqueue(connection_id)
    return due


@shared_task(name="connections.sweep_refresh", ignore_result=True)
def sweep_refresh() -> int:
    due = sweep_due_connections()
    # Abandoned sign-ins: states are useless 10 minutes in; keep a day for support questions.
    OAuthState.objects.filter(expires_at__lt=timezone.now() - timedelta(days=1)).delete()
    return len(due)


@shared_task(name="connections.refresh_connection", ignore_result=True)
def refresh_connection(connection_id: int) -> str:
    # Safe to run twice: the service re-checks expiry under the row lock.
    return connection_sweep_one(connection_id=connection_id)
