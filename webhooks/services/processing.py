"""Processing a stored event delivery, idempotently.

Each change is applied in its own transaction together with its row in the ProcessedChange
ledger (unique key). A change already in the ledger is skipped, so the same delivery twice,
a redelivered task, or Meta re-sending a change in a new batch changes nothing the second
time; two workers racing on one change serialise on the unique index and the loser skips.
The run ends with one appended WebhookProcessing row: the delivery's status.
"""

from __future__ import annotations

import json

import structlog
from django.db import IntegrityError, transaction

from webhooks.models import (
    DeliveryKind,
    ProcessedChange,
    ProcessingOutcome,
    WebhookDelivery,
    WebhookProcessing,
)
from webhooks.platforms import META_APPS
from webhooks.services.changes import apply_change, iter_changes

log = structlog.get_logger(__name__)


def _record(delivery: WebhookDelivery, outcome: str, **counts) -> WebhookProcessing:
    return WebhookProcessing.objects.create(
        delivery_id=delivery.pk, platform=delivery.platform, outcome=outcome, **counts
    )


def delivery_process(delivery_id: int) -> str:
    """Apply a valid event delivery's changes; returns the outcome recorded."""
    delivery = WebhookDelivery.objects.filter(pk=delivery_id).first()
    if (
        delivery is None
        or not delivery.signature_valid  # never act on what we could not verify
        or delivery.kind != DeliveryKind.EVENT
        or delivery.platform not in META_APPS
    ):
        return "skipped"
    try:
        payload = json.loads(bytes(delivery.body))
    except ValueError:
        _record(delivery, ProcessingOutcome.IGNORED, error="malformed_json")
        return ProcessingOutcome.IGNORED
    changes = list(iter_changes(payload, META_APPS[delivery.platform]))
    applied = ignored = duplicate = records = 0
    try:
        for change in changes:
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        ProcessedChange.objects.create(
                            key=change.key,
                            platform=change.platform,
                            field=change.field,
                            delivery_id=delivery.pk,
                        )
                except IntegrityError:
                    duplicate += 1
                    continue
                changed = apply_change(change)
            records += changed
            applied, ignored = (applied + 1, ignored) if changed else (applied, ignored + 1)
    except Exception as exc:
        # Changes committed so far are in the ledger: a retry resumes after them.
        _record(
            delivery,
            ProcessingOutcome.FAILED,
            changes_applied=applied,
            changes_ignored=ignored,
            changes_duplicate=duplicate,
            records_changed=records,
            error=type(exc).__name__,
        )
        log.exception("webhook_processing_failed", delivery_id=delivery.pk)
        raise
    if applied:
        outcome = ProcessingOutcome.PROCESSED
    elif changes and duplicate == len(changes):
        outcome = ProcessingOutcome.DUPLICATE
    else:
        outcome = ProcessingOutcome.IGNORED
    _record(
        delivery,
        outcome,
        changes_applied=applied,
        changes_ignored=ignored,
        changes_duplicate=duplicate,
        records_changed=records,
    )
    log.info(
        "webhook_processed",
        delivery_id=delivery.pk,
        outcome=str(outcome),
        applied=applied,
        duplicate=duplicate,
    )
    return outcome
