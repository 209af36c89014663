"""Reviews tasks: thin; they take ids and call services. Beat runs `reviews.sync_all`, which
fans out one task per connected location so one slow or limited location delays only itself."""

from __future__ import annotations

from celery import shared_task

from connections.models import PlatformConnection
from reviews.services.sync import connections_to_sync, reviews_sync


@shared_task(name="reviews.sync_all", ignore_result=True)
def sync_all() -> int:
    due = connections_to_sync()
    for connection_id in due:
        sync_connection.delay(connection_id=connection_id)
    return len(due)


@shared_task(name="reviews.sync_connection", ignore_result=True)
def sync_connection(*, connection_id: int) -> str:
    # Safe to run twice: the sync is an upsert keyed by the platform's review id.
    connection = PlatformConnection.objects.filter(pk=connection_id).first()
    if connection is None:
        return "gone"
    return reviews_sync(connection=connection).outcome
