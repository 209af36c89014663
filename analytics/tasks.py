"""Analytics tasks: thin; they take ids and call services.

The Beat sweep gives every new active connection a cursor (its first run is the 90-day
backfill), then fans out one task per connection whose own `next_allowed_at` has passed, so a
connection waiting for a rate-limit reset never holds up another.
"""

from __future__ import annotations

from celery import shared_task

from analytics.services import schedule
from analytics.services.sync import sync_connection as run_sync

SWEEP_BATCH = 200


@shared_task(name="analytics.sweep", ignore_result=True)
def sweep() -> int:
    schedule.cursors_create_missing()
    due = schedule.cursors_due(limit=SWEEP_BATCH)
    for connection_id in due:
        sync_connection.delay(connection_id=connection_id)
    return len(due)


@shared_task(name="analytics.sync_connection", ignore_result=True)
def sync_connection(connection_id: int) -> str:
    # A second delivery finds the cursor leased (or not due) and does nothing.
    return run_sync(connection_id=connection_id).outcome
