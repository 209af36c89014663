"""The read-only admin for webhook rows, and the sweep that re-enqueues what a lost broker
message left unprocessed."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from webhooks import tasks
from webhooks.models import DataDeletionRequest, WebhookDelivery, WebhookProcessing

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    staff = get_user_model().objects.create_superuser("staff", "staff@example.com", "pw-staff-1")
    client.force_login(staff)
    return client


def _delivery(**fields) -> WebhookDelivery:
    values = {"platform": "facebook", "kind": "event", "body": b'{"object":"page"}',
              "body_sha256": "0" * 64, "signature_valid": True, **fields}  # fmt: skip
    return WebhookDelivery.objects.create(**values)


def test_the_admin_lists_deliveries_with_their_status_and_cannot_change_them(staff_client):
    processed = _delivery()
    WebhookProcessing.objects.create(delivery=processed, platform="facebook", outcome="processed")
    _delivery(signature_valid=False, signature_error="mismatch")
    _delivery(platform="instagram")

    listing = staff_client.get("/admin/webhooks/webhookdelivery/")
    detail = staff_client.get(f"/admin/webhooks/webhookdelivery/{processed.pk}/change/")

    assert listing.status_code == 200
    text = listing.content.decode()
    assert "processed" in text and "rejected" in text and "pending" in text
    assert detail.status_code == 200 and "&quot;object&quot;:&quot;page&quot;" in detail.text
    assert staff_client.get("/admin/webhooks/webhookdelivery/add/").status_code == 403
    assert 'name="_save"' not in detail.text


def test_the_admin_shows_deletion_requests_without_the_user_id(staff_client):
    request = DataDeletionRequest.objects.create(
        confirmation_code="abc123", platform="facebook", platform_user_id="10000000001"
    )

    listing = staff_client.get("/admin/webhooks/datadeletionrequest/")
    detail = staff_client.get(f"/admin/webhooks/datadeletionrequest/{request.pk}/change/")

    assert listing.status_code == 200 and "abc123" in listing.text
    assert detail.status_code == 200 and "10000000001" not in detail.text


def test_the_sweep_reenqueues_unprocessed_deliveries_and_deletions_once_old_enough(monkeypatch):
    sent: list[tuple[str, int]] = []
    monkeypatch.setattr(tasks, "enqueue_delivery", lambda pk: sent.append(("delivery", pk)))
    monkeypatch.setattr(tasks, "enqueue_deletion", lambda pk: sent.append(("deletion", pk)))
    lost = _delivery()
    done = _delivery()
    WebhookProcessing.objects.create(delivery=done, platform="facebook", outcome="processed")
    _delivery(signature_valid=False, signature_error="missing")
    _delivery(kind="deauthorize")
    deletion = DataDeletionRequest.objects.create(
        confirmation_code="c1", platform="facebook", platform_user_id="1"
    )
    DataDeletionRequest.objects.create(
        confirmation_code="c2", platform="facebook", status="completed"
    )

    assert tasks.requeue_stale(older_than_seconds=3600) == {"deliveries": 0, "deletions": 0}
    assert sent == []

    tasks.requeue_stale(older_than_seconds=0)

    assert sent == [("delivery", lost.pk), ("deletion", deletion.pk)]
