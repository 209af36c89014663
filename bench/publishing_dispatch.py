"""One dispatch tick's time and query count with N scheduled jobs of which D are due.

Run by hand against a migrated, disposable database (it deletes its own rows at the end):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_publishing \\
    REDIS_URL=redis://127.0.0.1:6379/6 DEBUG=true \\
    .venv/bin/python bench/publishing_dispatch.py --scheduled 100000 --due 1000 --repeat 5

Each repeat resets the due jobs to `scheduled` and times one `dispatch_due()` call, including
the commit and the after-commit broker sends. Prints the median.
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

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from config.celery import app  # noqa: E402
from connections.models import PlatformConnection  # noqa: E402
from publishing import dispatch  # noqa: E402
from publishing.models import JobEvent, JobStatus, Post, PublishJob  # noqa: E402
from tenancy.models import Brand, Tenant  # noqa: E402


def _setup(scheduled: int, due: int) -> tuple[Brand, list[int]]:
    tenant = Tenant.objects.create(name="bench", slug=f"bench-{time.time_ns()}")
    brand = Brand.objects.create(tenant=tenant, name="bench", slug="bench")
    connections = [
        PlatformConnection.objects.create(
            brand=brand, platform="x", account_id=str(i), access_token="t", refresh_token=""
        )
        for i in range(20)
    ]
    now = timezone.now()
    total = scheduled + due
    posts = Post.objects.bulk_create(
        [Post(brand=brand, text=f"bench {i}") for i in range(total)], batch_size=5000
    )
    jobs = [
        PublishJob(
            post=post,
            brand=brand,
            connection=connections[i % len(connections)],
            platform="x",
            status=JobStatus.SCHEDULED,
            next_attempt_at=now - timedelta(seconds=1)
            if i < due
            else now + timedelta(days=1 + i % 300),
        )
        for i, post in enumerate(posts)
    ]
    PublishJob.objects.bulk_create(jobs, batch_size=5000)
    due_ids = list(
        PublishJob.objects.filter(brand=brand, next_attempt_at__lte=now).values_list(
            "id", flat=True
        )
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE publishing_publishjob")
    return brand, due_ids


def _reset(due_ids: list[int]) -> None:
    PublishJob.objects.filter(pk__in=due_ids).update(
        status=JobStatus.SCHEDULED, next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scheduled", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    brand, due_ids = _setup(args.scheduled, args.due)
    times, queries = [], []
    try:
        for _ in range(args.repeat):
            _reset(due_ids)
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                result = dispatch.dispatch_due()
                times.append(time.perf_counter() - started)
            queries.append(len(captured))
            assert result["queued"] == args.due, result
        print(
            f"scheduled={args.scheduled} due={args.due} vendor={connection.vendor} "
            f"tick_median_ms={statistics.median(times) * 1000:.1f} "
            f"tick_min_ms={min(times) * 1000:.1f} queries={statistics.median(queries):.0f}"
        )
    finally:
        app.control.purge()
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # JobEvent rows are append-only; the bench database is disposable.
                cursor.execute("SET LOCAL audit.allow_retention = 'on'")
            JobEvent.objects.filter(brand=brand)._raw_delete(connection.alias)
            PublishJob.objects.filter(brand=brand)._raw_delete(connection.alias)
            Post.objects.filter(brand=brand)._raw_delete(connection.alias)
            PlatformConnection.objects.filter(brand=brand).delete()
            brand.tenant.delete()


if __name__ == "__main__":
    main()
