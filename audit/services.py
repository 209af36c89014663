from __future__ import annotations

from django.db import models

from audit.models import ActionLog
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
