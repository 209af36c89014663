"""Admin pages at scale: render time and query count of the job-monitoring admin lists and the
dashboard with N jobs (each with three events and one attempt), through Django's test client.

Run by hand against a migrated, disposable database (it deletes its own rows at the end):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_admin DEBUG=true \\
    .venv/bin/python bench/admin_lists.py --jobs 100000 --repeat 7

Prints, per page, the median render time over `repeat` requests (after one warm-up) and the
number of queries of one request.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from connections.models import PlatformConnection  # noqa: E402
from publishing.models import JobEvent, JobStatus, Post, PublishAttempt, PublishJob  # noqa: E402
from tenancy.models import Brand, Tenant  # noqa: E402

STATUSES = [JobStatus.PUBLISHED] * 6 + [JobStatus.FAILED, JobStatus.SCHEDULED, JobStatus.RETRYING]
PLATFORMS = ["x", "facebook", "instagram", "linkedin", "google_business"]
BATCH = 5000


def _setup(jobs: int) -> tuple[Brand, object]:
    tenant = Tenant.objects.create(name="bench", slug=f"bench-{time.time_ns()}")
    brand = Brand.objects.create(tenant=tenant, name="bench admin", slug="bench-admin")
    user = get_user_model().objects.create_superuser(
        f"bench-{time.time_ns()}", "bench@example.com", "bench-pw-1"
    )
    connections = [
        PlatformConnection.objects.create(
            brand=brand,
            platform=p,
            account_id=f"{p}-{i}",
            display_name=f"{p} {i}",
            access_token="t",
            refresh_token="",
        )  # fmt: skip
        for i, p in enumerate(PLATFORMS)
    ]
    now = timezone.now()
    for start in range(0, jobs, BATCH):
        count = min(BATCH, jobs - start)
        posts = Post.objects.bulk_create(
            [Post(brand=brand, author=user, text=f"Bench post {start + i}") for i in range(count)]
        )
        rows = []
        for offset, post in enumerate(posts):
            i = start + offset
            status = STATUSES[i % len(STATUSES)]
            conn = connections[i % len(connections)]
            rows.append(
                PublishJob(
                    post=post,
                    brand=brand,
                    connection=conn,
                    platform=conn.platform,
                    status=status,
                    attempts=1,
                    platform_post_id=f"p{i}" if status == JobStatus.PUBLISHED else "",
                    published_at=now - timedelta(minutes=i % 10000)
                    if status == JobStatus.PUBLISHED
                    else None,
                    last_error_code="rejected" if status == JobStatus.FAILED else "",
                    next_attempt_at=now + timedelta(hours=1 + i % 100)
                    if status in (JobStatus.SCHEDULED, JobStatus.RETRYING)
                    else None,
                )  # fmt: skip
            )
        created = PublishJob.objects.bulk_create(rows)
        JobEvent.objects.bulk_create(
            [
                JobEvent(
                    brand=brand,
                    job=job,
                    post_id=job.post_id,
                    platform=job.platform,
                    status=status,
                    attempt=1,
                )  # fmt: skip
                for job in created
                for status in ("queued", "publishing", job.status)
            ]
        )
        PublishAttempt.objects.bulk_create(
            [
                PublishAttempt(
                    job=job,
                    number=1,
                    started_at=now,
                    finished_at=now,
                    outcome="published",
                    duration_ms=120,
                )  # fmt: skip
                for job in created
            ]
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return brand, user


def _pages(brand: Brand) -> dict[str, str]:
    job = PublishJob.objects.filter(brand=brand).order_by("id").first()
    jobs = reverse("admin:publishing_publishjob_changelist")
    return {
        "dashboard": f"/admin/dashboard/?brand={brand.pk}",
        "job list": jobs,
        "job list, brand+status+platform": f"{jobs}?brand={brand.pk}&status=failed&platform=x",
        "job list, search": f"{jobs}?q=Bench+post+4242",
        "job page": reverse("admin:publishing_publishjob_change", args=[job.pk]),
        "post list": reverse("admin:publishing_post_changelist"),
        "event list": reverse("admin:publishing_jobevent_changelist"),
        "attempt list": reverse("admin:publishing_publishattempt_changelist"),
        "connection list": reverse("admin:connections_platformconnection_changelist"),
    }


def _measure(client: Client, url: str, repeat: int) -> tuple[float, int]:
    response = client.get(url)  # warm-up
    assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return statistics.median(timings), len(ctx.captured_queries)


def _cleanup(brand: Brand, user) -> None:
    # Events and attempts are append-only (a trigger on PostgreSQL): the retention unlock is
    # the one sanctioned way to delete them, so the bench uses it for its own rows.
    from django.db import transaction

    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL audit.allow_retention = 'on'")
        JobEvent.objects.filter(brand=brand).delete_for_retention()
        PublishAttempt.objects.filter(job__brand=brand)._raw_delete(connection.alias)
        PublishJob.objects.filter(brand=brand)._raw_delete(connection.alias)
        Post.objects.filter(brand=brand)._raw_delete(connection.alias)
        PlatformConnection.objects.filter(brand=brand).delete()
        Brand.objects.filter(pk=brand.pk).delete()
        user.delete()


def main() -> int:
    import logging

    logging.getLogger("core.middleware").setLevel(logging.WARNING)  # one line per request
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    started = time.perf_counter()
    brand, user = _setup(args.jobs)
    print(f"seeded {args.jobs} jobs in {time.perf_counter() - started:.0f} s ({connection.vendor})")
    client = Client()
    client.force_login(user)
    try:
        print(f"{'page':36} {'median ms':>10} {'queries':>8}")
        for name, url in _pages(brand).items():
            median, queries = _measure(client, url, args.repeat)
            print(f"{name:36} {median:10.1f} {queries:8d}")
    finally:
        _cleanup(brand, user)
    return 0


if __name__ == "__main__":
    sys.exit(main())
