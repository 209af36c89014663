"""Webhook deliveries in /metrics, and the deliveries table's append-only guarantees."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from audit.models import AppendOnlyError
from audit.services import prune_older_than
from sandbox.webhooks import sender
from tests.webhooks.conftest import PAGE_ID, process_pending, published_job
from webhooks.models import ProcessedChange, WebhookDelivery, WebhookProcessing

TOKEN = "scrape-token-webhooks"
POST_ID = f"{PAGE_ID}_42"


def _samples(text: str) -> dict[tuple[str, tuple], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


@pytest.mark.django_db(transaction=True)
def test_metrics_count_deliveries_by_platform_and_result(sandbox, settings, fb_live):
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_IPS = TOKEN, []
    published_job(fb_live, POST_ID)
    removal = sender.envelope(
        "facebook", PAGE_ID, [sender.feed_change(item="status", verb="remove", post_id=POST_ID)]
    )
    first = sender.send_event("facebook", removal)
    sender.send_event("facebook", first.sent_body)  # replay -> duplicate
    sender.send_event("facebook", removal, signature="wrong")  # -> rejected
    sender.send_event("instagram", b"{}", signature="missing")  # -> rejected
    process_pending()
    sender.send_event("facebook", removal)  # stored, not processed yet -> pending

    response = requests.get(
        f"{sandbox}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10
    )

    assert response.status_code == 200
    got = _samples(response.text)
    name = "brandpost_webhook_deliveries_total"
    assert got[(name, (("platform", "facebook"), ("result", "processed")))] == 1
    assert got[(name, (("platform", "facebook"), ("result", "duplicate")))] == 1
    assert got[(name, (("platform", "facebook"), ("result", "rejected")))] == 1
    assert got[(name, (("platform", "instagram"), ("result", "rejected")))] == 1
    assert got[("brandpost_webhook_deliveries_pending", (("platform", "facebook"),))] == 1


def _delivery(**fields) -> WebhookDelivery:
    values = {"platform": "facebook", "kind": "event", "body": b"{}", "body_sha256": "0" * 64,
              "signature_valid": True, **fields}  # fmt: skip
    return WebhookDelivery.objects.create(**values)


@pytest.mark.django_db
def test_deliveries_refuse_updates_and_deletes_in_code():
    delivery = _delivery()
    delivery.signature_valid = False
    with pytest.raises(AppendOnlyError):
        delivery.save()
    with pytest.raises(AppendOnlyError):
        WebhookDelivery.objects.filter(pk=delivery.pk).update(signature_valid=False)
    with pytest.raises(AppendOnlyError):
        delivery.delete()
    assert WebhookDelivery.objects.get(pk=delivery.pk).signature_valid is True


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL-only")
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE webhooks_webhookdelivery SET signature_valid = false WHERE id = %s",
        "DELETE FROM webhooks_webhookdelivery WHERE id = %s",
        "UPDATE webhooks_webhookprocessing SET outcome = 'processed' WHERE delivery_id = %s",
        "DELETE FROM webhooks_processedchange WHERE delivery_id = %s",
    ],
)
def test_postgres_refuses_raw_updates_and_deletes_of_webhook_rows(sql):
    delivery = _delivery()
    WebhookProcessing.objects.create(delivery=delivery, platform="facebook", outcome="ignored")
    ProcessedChange.objects.create(key="k" * 64, platform="facebook", field="feed",
                                   delivery_id=delivery.pk)  # fmt: skip

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [delivery.pk])

    assert WebhookDelivery.objects.filter(pk=delivery.pk, signature_valid=True).exists()
    assert WebhookProcessing.objects.filter(delivery=delivery, outcome="ignored").exists()
    assert ProcessedChange.objects.filter(delivery_id=delivery.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_retention_prunes_deliveries_and_their_processing_rows_together():
    delivery = _delivery()
    WebhookProcessing.objects.create(delivery=delivery, platform="facebook", outcome="ignored")

    removed = prune_older_than(cutoff=timezone.now() + timedelta(seconds=1))

    assert removed["webhooks.WebhookDelivery"] == 1
    assert removed["webhooks.WebhookProcessing"] == 1
    assert not WebhookDelivery.objects.exists() and not WebhookProcessing.objects.exists()
