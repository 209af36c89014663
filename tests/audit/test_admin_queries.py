"""The job-monitoring admin costs a fixed number of queries however many jobs exist."""

from __future__ import annotations

import pytest
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from publishing.models import JobEvent, JobStatus, PublishAttempt, PublishJob
from tests.audit.conftest import bulk_jobs, make_connection

pytestmark = pytest.mark.django_db

PAGES = {
    "job list": lambda: reverse("admin:publishing_publishjob_changelist"),
    "filtered job list": lambda: (
        reverse("admin:publishing_publishjob_changelist")
        + "?status=failed&platform=x&error=rejected"
    ),
    "searched job list": lambda: reverse("admin:publishing_publishjob_changelist") + "?q=Bulk",
    "post list": lambda: reverse("admin:publishing_post_changelist"),
    "event list": lambda: reverse("admin:publishing_jobevent_changelist"),
    "attempt list": lambda: reverse("admin:publishing_publishattempt_changelist"),
    "connection list": lambda: reverse("admin:connections_platformconnection_changelist"),
}


def _count(client, url: str) -> int:
    client.get(url)  # warm per-process caches (content types, session) before counting
    with CaptureQueriesContext(db_connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _job_with_history(brand, connection, owner) -> PublishJob:
    job = PublishJob.objects.filter(brand=brand).order_by("id").first()
    for number, status in enumerate(["queued", "publishing", "failed"], start=1):
        JobEvent.objects.create(brand=brand, job=job, post_id=job.post_id, platform="x",
                                status=status, attempt=number, actor=owner)  # fmt: skip
    from django.utils import timezone

    PublishAttempt.objects.create(job=job, number=1, started_at=timezone.now(),
                                  outcome="rejected", error_code="rejected")  # fmt: skip
    return job


def test_admin_pages_cost_the_same_queries_at_100_and_10000_jobs(staff_client, brand, owner):
    # given 100 jobs, one of them with a timeline and an attempt
    x = make_connection(brand)
    bulk_jobs(brand, x, owner, 100)
    job = _job_with_history(brand, x, owner)
    change_url = reverse("admin:publishing_publishjob_change", args=[job.pk])
    post_url = reverse("admin:publishing_post_change", args=[job.post_id])
    small = {name: _count(staff_client, url()) for name, url in PAGES.items()}
    small["job page"] = _count(staff_client, change_url)
    small["post page"] = _count(staff_client, post_url)
    connection_url = reverse("admin:connections_platformconnection_change", args=[x.pk])
    small["connection page"] = _count(staff_client, connection_url)

    # when the table grows to 10,000 jobs
    bulk_jobs(brand, x, owner, 9_900)
    assert PublishJob.objects.count() == 10_000
    large = {name: _count(staff_client, url()) for name, url in PAGES.items()}
    large["job page"] = _count(staff_client, change_url)
    large["post page"] = _count(staff_client, post_url)
    large["connection page"] = _count(staff_client, connection_url)

    # then every page costs exactly the same, fixed number of queries
    assert large == small
    assert large == EXPECTED


# session + user, then: lists = brand filter choices, capped count, one page of rows (with
# its related rows joined in; the attempt list has no brand filter); job page = job with
# post/brand/connection, events, attempts; post page = post, status, latest validation run,
# targets; connection page = the connection with its brand and connecting user.
EXPECTED = {
    "job list": 5,
    "filtered job list": 5,
    "searched job list": 5,
    "post list": 5,
    "event list": 5,
    "attempt list": 4,
    "job page": 5,
    "post page": 6,
    "connection list": 5,
    "connection page": 3,
}


def test_job_list_shows_the_live_link_and_the_error_filter(staff_client, brand, owner):
    x = make_connection(brand)
    bulk_jobs(brand, x, owner, 3, status=JobStatus.PUBLISHED)
    PublishJob.objects.filter(pk=PublishJob.objects.first().pk).update(
        permalink="https://x.example/status/42"
    )
    response = staff_client.get(reverse("admin:publishing_publishjob_changelist"))
    body = response.content.decode()
    assert 'href="https://x.example/status/42"' in body
    assert "rate_limited" in body  # the error filter offers the closed error vocabulary
