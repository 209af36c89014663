from __future__ import annotations

from datetime import datetime

from django.apps import apps
from django.db import connection, models, transaction

from audit.models import ActionLog, AppendOnlyModel
from core.logging import redact_value


def client_ip(request) -> str | None:
    """The client address Django saw (behind a proxy, configure the proxy to set REMOTE_ADDR)."""
    return request.META.get("REMOTE_ADDR") if request is not None else None


def record_action(
    *,
    action: str,
    actor=None,
    brand=None,
    target: models.Model | None = None,
    request=None,
    details: dict | None = None,
) -> ActionLog:
    """Append one audit row. Call it inside the transaction that makes the change."""
    return ActionLog.objects.create(
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        brand=brand,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        ip_address=client_ip(request),
        details=redact_value(details or {}),
    )


def append_only_models() -> list[type[AppendOnlyModel]]:
    return [m for m in apps.get_models() if issubclass(m, AppendOnlyModel)]


def prune_older_than(*, cutoff: datetime, batch_size: int = 5000, actor=None) -> dict[str, int]:
    """Delete audit rows created before `cutoff`, table by table in batches, and record that it
    happened (the record itself is new, so it survives this run)."""
    removed: dict[str, int] = {}
    for model in append_only_models():
        total = 0
        while True:
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute("SET LOCAL audit.allow_retention = 'on'")
                ids = list(
                    model.objects.filter(created_at__lt=cutoff)
                    .order_by("pk")
                    .values_list("pk", flat=True)[:batch_size]
                )
                if not ids:
                    break
                total += model.objects.filter(pk__in=ids).delete_for_retention()
        removed[model._meta.label] = total
    record_action(
        action="audit.retention",
        actor=actor,
        details={"cutoff": cutoff.isoformat(), "removed": removed},
    )
    return removed


def record_sync_run(
    *,
    connection,
    kind: str,
    started_at: datetime,
    finished_at: datetime,
    records: int,
    outcome: str,
    error=None,
    details: dict | None = None,
):
    """Append the one row describing a finished sync run. `error` may be a ProviderError (its
    code and safe message are kept) or any exception (only its type is kept)."""
    from audit.models import PlatformSyncRun

    code = getattr(error, "code", type(error).__name__) if error is not None else ""
    message = getattr(error, "message", "") if error is not None else ""
    return PlatformSyncRun.objects.create(
        brand_id=connection.brand_id,
        connection=connection,
        platform=connection.platform,
        kind=kind,
        started_at=started_at,
        finished_at=finished_at,
        records=records,
        outcome=outcome,
        error_code=str(code)[:64],
        error_message=str(message)[:2000],
        details=redact_value(details or {}),
    )
