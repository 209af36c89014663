"""Meta's deauthorize and data-deletion callbacks, once their signed_request is verified."""

from __future__ import annotations

import secrets

import structlog
from django.db import transaction
from django.utils import timezone

from webhooks.models import (
    DataDeletionRequest,
    DeletionStatus,
    ProcessingOutcome,
    WebhookDelivery,
    WebhookProcessing,
)
from webhooks.platforms import META_APPS, MetaApp
from webhooks.services.accounts import (
    connection_deauthorize,
    connection_erase_user_data,
    connections_for_meta_user,
)

log = structlog.get_logger(__name__)


def meta_deauthorize(*, app: MetaApp, user_id: str, delivery: WebhookDelivery) -> int:
    """Revoke every connection the user granted, in every brand, now (not queued: their
    tokens must stop being used at once). Returns how many were revoked."""
    ids = list(connections_for_meta_user(app=app, user_id=user_id).values_list("pk", flat=True))
    revoked = sum(
        connection_deauthorize(connection_id=pk, app=app, delivery_id=delivery.pk) for pk in ids
    )
    if revoked:
        outcome = ProcessingOutcome.PROCESSED
    else:
        outcome = ProcessingOutcome.DUPLICATE if ids else ProcessingOutcome.IGNORED
    WebhookProcessing.objects.create(
        delivery_id=delivery.pk,
        platform=delivery.platform,
        outcome=outcome,
        changes_applied=revoked,
        changes_duplicate=len(ids) - revoked,
        records_changed=revoked,
    )
    log.info("meta_deauthorized", platform=app.slug, delivery_id=delivery.pk, revoked=revoked)
    return revoked


def deletion_request_create(
    *, app: MetaApp, user_id: str, delivery: WebhookDelivery, enqueue=None
) -> DataDeletionRequest:
    """One request per signed_request: Meta re-sending the same one gets the same code back.
    The deletion itself runs in a task, enqueued once this row is committed."""
    existing = DataDeletionRequest.objects.filter(
        platform=app.slug, delivery__body_sha256=delivery.body_sha256
    ).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        request = DataDeletionRequest.objects.create(
            confirmation_code=secrets.token_hex(10),  # 80 bits: the status page's only key
            platform=app.slug,
            platform_user_id=user_id,
            delivery_id=delivery.pk,
        )
        if enqueue is not None:
            transaction.on_commit(lambda: enqueue(request.pk))
    return request


def deletion_run(request_id: int) -> str:
    """Erase the user's connections' tokens and data; claim first, so a second run of the
    same request (a redelivered task) does nothing."""
    now = timezone.now()
    claimed = DataDeletionRequest.objects.filter(
        pk=request_id, status__in=[DeletionStatus.PENDING, DeletionStatus.FAILED]
    ).update(status=DeletionStatus.RUNNING, started_at=now)
    if not claimed:
        return "not_claimed"
    request = DataDeletionRequest.objects.get(pk=request_id)
    app = META_APPS[request.platform]
    try:
        ids = list(
            connections_for_meta_user(app=app, user_id=request.platform_user_id).values_list(
                "pk", flat=True
            )
        )
        for pk in ids:
            connection_erase_user_data(connection_id=pk, app=app, request_id=request.pk)
    except Exception:
        DataDeletionRequest.objects.filter(pk=request_id).update(status=DeletionStatus.FAILED)
        log.exception("data_deletion_failed", data_deletion_request_id=request_id)
        raise
    # The user id was only needed to find their data; it goes too once that is done.
    DataDeletionRequest.objects.filter(pk=request_id).update(
        status=DeletionStatus.COMPLETED,
        completed_at=timezone.now(),
        connections_affected=len(ids),
        platform_user_id="",
    )
    log.info("data_deletion_completed", data_deletion_request_id=request_id, connections=len(ids))
    return DeletionStatus.COMPLETED
