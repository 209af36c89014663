"""/metrics: figures derived from the database, behind a token and/or an IP allow-list."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from audit.services import record_action
from publishing.models import JobStatus, PublishAttempt, PublishJob
from tests.audit.conftest import bulk_jobs, make_connection

pytestmark = pytest.mark.django_db
TOKEN = "scrape-token-123"


def _samples(text: str) -> dict[tuple[str, tuple], float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


@pytest.fixture
def published(brand, owner):
    """A publish-shaped fixture: one job published after a transient failure (two attempts),
    one rejected, one still scheduled, and a token refresh recorded by the vault's action."""
    x = make_connection(brand)
    bulk_jobs(brand, x, owner, 1, status=JobStatus.PUBLISHED)
    bulk_jobs(brand, x, owner, 1, status=JobStatus.FAILED)
    bulk_jobs(brand, x, owner, 1, status=JobStatus.SCHEDULED)
    ok, bad, _ = PublishJob.objects.order_by("id")
    now = timezone.now()
    for job, number, outcome, ms in ((ok, 1, "transient", 300), (ok, 2, "published", 1200),
                                     (bad, 1, "rejected", 80)):  # fmt: skip
        PublishAttempt.objects.create(job=job, number=number, started_at=now, finished_at=now,
                                      outcome=outcome, duration_ms=ms)  # fmt: skip
    record_action(action="connection.refreshed", brand=brand, target=x,
                  details={"platform": "x"})  # fmt: skip
    return x


def test_metrics_appear_after_a_publish(client, settings, published):
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_IPS = TOKEN, []
    response = client.get(reverse("metrics"), HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    got = _samples(response.content.decode())
    attempts = "brandpost_publish_attempts_total"
    assert got[(attempts, (("outcome", "published"), ("platform", "x")))] == 1
    assert got[(attempts, (("outcome", "transient"), ("platform", "x")))] == 1
    assert got[(attempts, (("outcome", "rejected"), ("platform", "x")))] == 1
    hist = "brandpost_publish_duration_seconds"
    assert got[(hist + "_bucket", (("le", "0.1"), ("platform", "x")))] == 1  # 80 ms
    assert got[(hist + "_bucket", (("le", "0.5"), ("platform", "x")))] == 2  # + 300 ms
    assert got[(hist + "_bucket", (("le", "+Inf"), ("platform", "x")))] == 3
    assert got[(hist + "_sum", (("platform", "x"),))] == pytest.approx(1.58)
    assert got[("brandpost_jobs", (("status", "published"),))] == 1
    assert got[("brandpost_jobs", (("status", "scheduled"),))] == 1
    assert got[("brandpost_jobs", (("status", "cancelled"),))] == 0
    refreshes = "brandpost_token_refreshes_total"
    assert got[(refreshes, (("outcome", "success"), ("platform", "x")))] == 1


def test_validation_blocks_are_counted_by_rule(client, settings, brand):
    from validation.models import Outcome, ValidationRun

    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_IPS = TOKEN, []
    error = {"rule": "pii_email", "severity": "error"}
    ValidationRun.objects.create(brand=brand, content_hash="a", outcome=Outcome.BLOCKED,
                                 findings=[error, error, {"rule": "toxicity",
                                                          "severity": "review"}])  # fmt: skip
    ValidationRun.objects.create(brand=brand, content_hash="b", outcome=Outcome.OK, findings=[])
    got = _samples(client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode())
    assert got[("brandpost_validation_blocks_total", (("rule", "pii_email"),))] == 2
    assert ("brandpost_validation_blocks_total", (("rule", "toxicity"),)) not in got


def test_the_endpoint_refuses_without_the_token(client, settings, published):
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_IPS = TOKEN, []
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Token {TOKEN}").status_code == 403
    assert b"brandpost" not in client.get("/metrics").content


def test_the_allow_list_admits_listed_addresses_only(client, settings, published):
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_IPS = "", ["10.0.0.0/8"]
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.168.1.5").status_code == 403
    # with both configured, both must match
    settings.METRICS_TOKEN = TOKEN
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 403
    ok = client.get("/metrics", REMOTE_ADDR="10.1.2.3", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert ok.status_code == 200


def test_the_endpoint_is_off_when_nothing_guards_it(client, settings):
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_IPS = "", []
    assert client.get("/metrics").status_code == 404
