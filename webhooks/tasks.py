"""Celery tasks: thin; they take ids and call services. Enqueued on commit by the views.

Both are safe to run twice (the change ledger and the deletion claim make a second run a
no-op), so `acks_late` is on: a worker killed mid-run leaves the message to be redelivered.
Database errors are retried with backoff; the views never wait for any of this.
"""

from __future__ import annotations

from datetime import timedelta

import structlog
from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from webhooks.models import DataDeletionRequest, DeletionStatus, WebhookDelivery
from webhooks.services.callbacks import deletion_run
from webhooks.services.processing import delivery_process

log = structlog.get_logger(__name__)

_RETRY = {
    "autoretry_for": (DatabaseError,),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 8,
}


@shared_task(name="webhooks.process_delivery", acks_late=True, ignore_result=True, **_RETRY)
def process_delivery(*, delivery_id: int) -> str:
    return delivery_process(delivery_id)


@shared_task(name="webhooks.run_data_deletion", acks_late=True, ignore_result=True, **_RETRY)
def run_data_deletion(*, request_id: int) -> str:
    return deletion_run(request_id)


def enqueue_delivery(delivery_id: int) -> None:
    """Called after commit. A broker outage must not turn an accepted delivery into an error
    answer (Meta would resend it): the row is stored, and requeue_stale picks it up."""
    try:
        process_delivery.delay(delivery_id=delivery_id)
    except Exception as exc:  # kombu raises several types for an unreachable broker
        log.error("webhook_enqueue_failed", delivery_id=delivery_id, error=type(exc).__name__)


def enqueue_deletion(request_id: int) -> None:
    try:
        run_data_deletion.delay(request_id=request_id)
    except Exception as exc:
        log.error("data_deletion_enqueue_failed", request_id=request_id, error=type(exc).__name__)


@shared_task(name="webhooks.requeue_stale", ignore_result=True)
def requeue_stale(*, older_than_seconds: int = 300, limit: int = 500) -> dict:
    """Valid event deliveries with no processing row, and deletion requests not finished,
    older than `older_than_seconds`: enqueue them again (the broker lost them, or a worker
    died). Meant for a Beat entry; running it more often than needed is harmless."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    deliveries = list(
        WebhookDelivery.objects.filter(
            kind="event",
            signature_valid=True,
            created_at__lt=cutoff,
            processing_runs__isnull=True,
        )
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    for delivery_id in deliveries:
        enqueue_delivery(delivery_id)
    requests = list(
        DataDeletionRequest.objects.filter(
            requested_at__lt=cutoff,
            status__in=[DeletionStatus.PENDING, DeletionStatus.FAILED],
        ).values_list("id", flat=True)[:limit]
    )
    # A run that started long ago and never finished: its worker died after the claim.
    stuck = DataDeletionRequest.objects.filter(
        status=DeletionStatus.RUNNING, started_at__lt=cutoff - timedelta(minutes=30)
    )
    stuck.update(status=DeletionStatus.FAILED)
    for request_id in requests:
        enqueue_deletion(request_id)
    return {"deliveries": len(deliveries), "deletions": len(requests)}
