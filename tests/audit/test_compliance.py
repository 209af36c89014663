"""The compliance CSV lists exactly the brand's posts published in the range."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from publishing.models import JobStatus, Post, PublishJob
from tenancy.services import brand_create
from tests.audit.conftest import make_connection

pytestmark = pytest.mark.django_db


def _post(brand, author, text, targets):
    """targets: [(connection, status, published_at)]"""
    post = Post.objects.create(brand=brand, author=author, text=text)
    for connection, status, published_at in targets:
        PublishJob.objects.create(
            post=post, brand=brand, connection=connection, platform=connection.platform,
            status=status, published_at=published_at,
            permalink=f"https://{connection.platform}.example/{post.pk}" if published_at else "",
        )  # fmt: skip
    return post


def _rows(response) -> list[dict]:
    assert response.status_code == 200
    assert response.streaming
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


@pytest.fixture
def posts(brand, tenant, owner, editor):
    from validation.models import Outcome, ValidationRun

    x, li = make_connection(brand, "x", "1"), make_connection(brand, "linkedin", "2")
    d = lambda day, hour=12: datetime(2026, 3, day, hour, tzinfo=UTC)  # noqa: E731
    before = _post(brand, owner, "before", [(x, JobStatus.PUBLISHED, d(9, 23))])
    first = _post(brand, editor, "=first day", [(x, JobStatus.PUBLISHED, d(10, 0))])
    both = _post(brand, owner, "two targets", [(x, JobStatus.PUBLISHED, d(11)),
                                               (li, JobStatus.PUBLISHED, d(12))])  # fmt: skip
    partial = _post(brand, owner, "one failed", [(x, JobStatus.PUBLISHED, d(12, 23)),
                                                 (li, JobStatus.FAILED, None)])  # fmt: skip
    failed = _post(brand, owner, "never out", [(li, JobStatus.FAILED, None)])
    after = _post(brand, owner, "after", [(li, JobStatus.PUBLISHED, d(13, 0))])
    other = brand_create(tenant=tenant, name="Other", owner=owner)
    _post(other, owner, "other brand", [(make_connection(other), JobStatus.PUBLISHED, d(11))])
    ValidationRun.objects.create(
        brand=brand, post_id=both.pk, content_hash="h", outcome=Outcome.NEEDS_REVIEW,
        findings=[{"rule": "banned_claim", "severity": "review", "message": "Check claim"}],
        policy_version="policy@2026-03-01T00:00:00+00:00,finance@v2",
    )  # fmt: skip
    return {"before": before, "first": first, "both": both, "partial": partial,
            "failed": failed, "after": after}  # fmt: skip


def test_the_csv_lists_exactly_the_posts_published_in_range(api_client_for, owner, brand, posts):
    url = reverse("api-compliance-report", args=[brand.pk])
    response = api_client_for(owner).get(url, {"from": "2026-03-10", "to": "2026-03-12"})

    rows = _rows(response)
    assert response["Content-Type"] == "text/csv"
    assert [int(r["post_id"]) for r in rows] == [
        posts["first"].pk, posts["both"].pk, posts["partial"].pk
    ]  # fmt: skip
    first, both, partial = rows
    assert first["text"] == "'=first day"  # a formula-looking text is defused
    assert first["created_by"] == "editor"
    assert both["targets"] == "x:x 1; linkedin:linkedin 2"
    assert (
        both["permalinks"]
        == f"https://x.example/{posts['both'].pk}; https://linkedin.example/{posts['both'].pk}"
    )
    assert both["published_at"] == "x:2026-03-11T12:00:00+00:00; linkedin:2026-03-12T12:00:00+00:00"
    assert both["validation_outcome"] == "needs_review"
    assert both["validation_findings"] == "banned_claim (review): Check claim"
    assert both["compliance_packs"] == "finance@v2"
    assert partial["targets"] == "x:x 1"  # the failed target was never published
    assert first["validation_outcome"] == "not validated"


def test_another_brand_cannot_read_the_report(api_client_for, outsider, brand, posts):
    url = reverse("api-compliance-report", args=[brand.pk])
    response = api_client_for(outsider).get(url, {"from": "2026-03-01", "to": "2026-03-31"})
    assert response.status_code == 404


def test_bad_dates_are_refused_with_the_error_shape(api_client_for, owner, brand):
    url = reverse("api-compliance-report", args=[brand.pk])
    response = api_client_for(owner).get(url, {"from": "yesterday", "to": "2026-03-31"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_the_admin_action_and_the_dashboard_form_stream_the_same_report(staff_client, brand, posts):
    response = staff_client.post(
        reverse("admin:publishing_post_changelist"),
        {"action": "compliance_csv",
         "_selected_action": [posts["both"].pk, posts["failed"].pk]},
    )  # fmt: skip
    assert [int(r["post_id"]) for r in _rows(response)] == [posts["both"].pk]

    response = staff_client.get(
        reverse("admin-compliance-csv"),
        {"brand": brand.pk, "from": "2026-03-09", "to": "2026-03-13"},
    )
    assert len(_rows(response)) == 6 - 1  # all but the never-published one
