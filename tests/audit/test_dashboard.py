"""The dashboard's figures match a fixture whose expected numbers are worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from audit.dashboard import dashboard_for, percentile
from connections.models import ConnectionStatus
from publishing.models import JobStatus, Post, PublishJob
from tenancy.models import Brand
from tenancy.services import brand_create
from tests.audit.conftest import make_connection

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 12, 30, tzinfo=UTC)


def _job(brand, connection, *, status, created, text="post", scheduled=None, published=None,
         error="", next_at=None):  # fmt: skip
    post = Post.objects.create(brand=brand, text=text, scheduled_at=scheduled)
    job = PublishJob.objects.create(
        post=post, brand=brand, connection=connection, platform=connection.platform,
        status=status, last_error_code=error, published_at=published, next_attempt_at=next_at,
    )  # fmt: skip
    # created_at is auto_now_add: set the fixture's time afterwards.
    PublishJob.objects.filter(pk=job.pk).update(created_at=created)
    return job


@pytest.fixture
def fixture(brand, tenant, owner):
    x = make_connection(brand, "x", "1")
    li = make_connection(brand, "linkedin", "2")
    h = timedelta(hours=1)
    # Published, scheduled posts: delays of 60 s, 120 s, 30 s and 600 s.
    for minutes_ago, delay in ((30, 60), (90, 120), (150, 30), (60 * 30, 600)):
        published = NOW - timedelta(minutes=minutes_ago)
        _job(brand, x, status=JobStatus.PUBLISHED, created=published - 2 * h,
             scheduled=published - timedelta(seconds=delay), published=published)  # fmt: skip
    # A publish-now post (no schedule): counted as published, not in the latency sample.
    _job(brand, li, status=JobStatus.PUBLISHED, created=NOW - 3 * h, published=NOW - 3 * h)
    # Failures: two x/rejected (one 3 days old), one linkedin/rate_limited; one 10 days old.
    _job(brand, x, status=JobStatus.FAILED, created=NOW - 5 * h, error="rejected")
    _job(brand, x, status=JobStatus.FAILED, created=NOW - 72 * h, error="rejected")
    _job(brand, li, status=JobStatus.FAILED, created=NOW - 1 * h, error="rate_limited")
    _job(brand, li, status=JobStatus.FAILED, created=NOW - 240 * h, error="transient")
    # Two upcoming scheduled posts.
    for days in (1, 2):
        at = NOW + timedelta(days=days)
        _job(brand, x, status=JobStatus.SCHEDULED, created=NOW - 2 * h, text=f"soon {days}",
             scheduled=at, next_at=at)  # fmt: skip
    # Connections: x expires in 3 days, linkedin in 30; a third needs re-auth.
    x.token_expires_at = NOW + timedelta(days=3)
    x.save()
    li.token_expires_at = NOW + timedelta(days=30)
    li.save()
    make_connection(brand, "facebook", "3", status=ConnectionStatus.NEEDS_REAUTH)
    # Another brand's job must never be counted.
    other = brand_create(tenant=tenant, name="Other", owner=owner)
    _job(other, make_connection(other, "x", "9"), status=JobStatus.FAILED,
         created=NOW - h, error="rejected")  # fmt: skip
    return brand


def test_percentile_is_nearest_rank():
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.95) == 4.0
    assert percentile([], 0.5) is None


def test_figures_match_the_hand_built_fixture(fixture):
    board = dashboard_for(brands=Brand.objects.all(), brand=fixture, now=NOW)

    by_24h = {f.label: f.value for f in board.status_24h}
    by_7d = {f.label: f.value for f in board.status_7d}
    # created within 24 h: 3 recent published + publish-now + failed 5 h + failed 1 h + 2 sched
    assert (by_24h["Published"], by_24h["Failed"], by_24h["Scheduled"]) == (4, 2, 2)
    # within 7 days adds the 30 h published job and the 3-day-old failure; 10 days is out
    assert (by_7d["Published"], by_7d["Failed"], by_7d["Scheduled"]) == (5, 3, 2)
    assert by_7d["Cancelled"] == 0
    assert [(f.label, f.value) for f in board.failures] == [
        ("x · rejected", 2),
        ("linkedin · rate_limited", 1),
    ]
    # delays sorted: 30, 60, 120, 600 -> nearest-rank median is the 2nd, p95 the 4th
    assert (board.latency_sample, board.latency_median_s, board.latency_p95_s) == (4, 60, 600)
    assert [p.text for p in board.upcoming] == ["soon 1", "soon 2"]
    assert board.upcoming_total.value == 2
    assert sorted(c.platform for c in board.connections_attention) == ["facebook", "x"]
    # publishes per hour: 12:00 has the one 30 min ago, 11:00 the one 90 min ago, 10:00 the
    # one 150 min ago and 09:30's publish-now job; the 30 h one is outside the 24 bars
    bars = {bar.start.hour: bar.count for bar in board.per_hour}
    assert len(board.per_hour) == 24 and board.per_hour[-1].start.hour == 12
    assert (bars[12], bars[11], bars[10], bars[9]) == (1, 1, 1, 1)
    assert sum(bars.values()) == 4


def test_each_figure_links_to_the_filtered_list_behind_it(fixture, staff_client):
    board = dashboard_for(brands=Brand.objects.all(), brand=fixture, now=NOW)
    failure_url = board.failures[0].url
    response = staff_client.get(failure_url)
    assert response.status_code == 200
    # the list behind "x · rejected" shows exactly those 2 jobs
    jobs = list(response.context["cl"].result_list)
    assert sorted(j.pk for j in jobs) == sorted(
        PublishJob.objects.filter(brand=fixture, platform="x", status="failed").values_list(
            "pk", flat=True
        )
    )
    for bar in board.per_hour:
        if bar.count:
            listed = staff_client.get(bar.url).context["cl"].result_list
            assert len(listed) == bar.count


def test_dashboard_page_is_staff_only_and_linked_from_the_admin_index(brand, staff_client, owner):
    from django.utils import timezone

    x = make_connection(brand)
    for _ in range(2):
        _job(brand, x, status=JobStatus.FAILED, created=timezone.now(), error="rejected")
    from django.test import Client

    not_staff = Client()
    not_staff.force_login(owner)  # a brand owner, not staff
    assert not_staff.get(reverse("admin-dashboard")).status_code == 302
    assert reverse("admin-dashboard") in staff_client.get(reverse("admin:index")).content.decode()
    page = staff_client.get(reverse("admin-dashboard"), {"brand": brand.pk})
    body = page.content.decode()
    assert page.status_code == 200
    chart = body[body.index('id="per-hour"') :]
    assert '<svg class="publish-chart"' in chart and "<script" not in chart.split("</section>")[0]
    assert 'src="http' not in body  # nothing loaded from elsewhere
    assert 'data-figure="failures-x-rejected">2<' in body
