"""Recording a delivery: first thing, before any processing, whatever its signature."""

from __future__ import annotations

import hashlib
import re

import structlog
from django.db import transaction

from core.logging import REDACTED
from webhooks.models import WebhookDelivery

log = structlog.get_logger(__name__)

# Header names whose values are credentials or could be replayed as such. The signature is
# an HMAC, not a secret, but it is redacted too: the body and the app secret recompute it.
_SECRET_HEADER = re.compile(
    r"auth|cookie|token|secret|signature|password|api[-_]?key|session", re.IGNORECASE
)
MAX_HEADERS = 60
MAX_HEADER_VALUE = 1000


def safe_headers(headers) -> dict[str, str]:
    """The request headers worth keeping, secret-looking values replaced by a marker (so it
    still shows that they were sent)."""
    kept: dict[str, str] = {}
    for name, value in list(headers.items())[:MAX_HEADERS]:
        kept[name] = REDACTED if _SECRET_HEADER.search(name) else str(value)[:MAX_HEADER_VALUE]
    return kept


def delivery_record(
    *,
    platform: str,
    kind: str,
    body: bytes,
    headers,
    signature_error: str = "",
    remote_addr: str | None = None,
) -> WebhookDelivery:
    """Store one received request in its own transaction, so it stays stored whatever
    processing does next. A refused signature is logged as such."""
    with transaction.atomic():
        delivery = WebhookDelivery.objects.create(
            platform=platform,
            kind=kind,
            headers=safe_headers(headers),
            body=bytes(body),
            body_sha256=hashlib.sha256(body).hexdigest(),
            signature_valid=not signature_error,
            signature_error=signature_error,
            remote_addr=remote_addr or None,
        )
    if signature_error:
        log.warning(
            "webhook_signature_invalid",
            platform=platform,
            kind=kind,
            delivery_id=delivery.pk,
            reason=signature_error,
        )
    else:
        log.info("webhook_received", platform=platform, kind=kind, delivery_id=delivery.pk)
    return delivery
