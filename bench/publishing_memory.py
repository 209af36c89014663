"""Worker and beat memory with 1,000 vs 100,000 scheduled posts: held as rows in the database
(our design: beat reads the due ones every tick) and, for comparison, held as Celery ETA tasks
(the design we rejected: the worker keeps every ETA task in memory until it is due).

Run by hand on a disposable database and a Redis db of its own (it FLUSHES that Redis db):

    createdb -h 127.0.0.1 -U postgres bench_memory
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_memory
    export REDIS_URL=redis://127.0.0.1:6379/12 DEBUG=true IGNORE_DOTENV=true
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/publishing_memory.py --counts 1000 100000

Memory is resident set size summed over each process tree (worker parent + 2 prefork
children; beat), read from /proc after the processes have run for `--settle` seconds.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("IGNORE_DOTENV", "true")

import django  # noqa: E402

django.setup()

import redis  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import _processes as processes  # noqa: E402
from connections.models import PlatformConnection  # noqa: E402
from publishing.models import JobStatus, Post, PublishJob  # noqa: E402
from tenancy.models import Brand, Tenant  # noqa: E402

ETA_QUEUE = "bench_eta"
UNUSED_URL = "http://127.0.0.1:9"  # nothing is due: no platform is ever called


def _scheduled(count: int) -> Brand:
    run = str(time.time_ns())
    tenant = Tenant.objects.create(name=f"mem {run}", slug=f"mem-{run}")
    brand = Brand.objects.create(tenant=tenant, name="mem", slug="mem")
    conn = PlatformConnection.objects.create(
        brand=brand, platform="x", account_id=run, access_token="t"
    )
    now = timezone.now()
    for start in range(0, count, 5000):
        posts = Post.objects.bulk_create(
            [Post(brand=brand, text=f"mem {i}") for i in range(start, min(count, start + 5000))]
        )
        PublishJob.objects.bulk_create(
            [
                PublishJob(
                    post=post,
                    brand=brand,
                    connection=conn,
                    platform="x",
                    status=JobStatus.SCHEDULED,
                    next_attempt_at=now + timedelta(days=1, minutes=i % 400_000),
                )  # fmt: skip
                for i, post in enumerate(posts, start=start)
            ]
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE publishing_publishjob")
    return brand


def _ready() -> None:
    """Wait for the worker to answer (its pool children are up), so memory is compared at the
    same point of its life."""
    from config.celery import app

    deadline = time.monotonic() + 120
    while not app.control.ping(timeout=1.0):
        if time.monotonic() > deadline:
            raise SystemExit("the worker did not answer a ping")


def _drop(brand: Brand) -> None:
    PublishJob.objects.filter(brand=brand)._raw_delete(connection.alias)
    Post.objects.filter(brand=brand)._raw_delete(connection.alias)


def database_design(count: int, settle: float) -> tuple[float, float]:
    brand = _scheduled(count)
    worker = processes.worker(UNUSED_URL)
    beat = processes.beat(UNUSED_URL)
    try:
        _ready()
        time.sleep(settle)  # several dispatch ticks (every 2 s) over the `count` rows
        return worker.rss_mib(), beat.rss_mib()
    finally:
        beat.stop()
        worker.stop()
        _drop(brand)


def eta_design(count: int, settle: float) -> float:
    from publishing.tasks import publish_job

    client = redis.Redis.from_url(settings.REDIS_URL)
    client.flushdb()
    worker = processes.worker(UNUSED_URL, queues=ETA_QUEUE)
    try:
        _ready()
        now = timezone.now()
        for i in range(count):
            publish_job.apply_async(
                kwargs={"job_id": 10**9 + i},
                eta=now + timedelta(days=1, minutes=i % 400_000),
                queue=ETA_QUEUE,
            )
        deadline = time.monotonic() + 600
        while client.llen(ETA_QUEUE) and time.monotonic() < deadline:
            time.sleep(1)  # the worker prefetches every ETA task into memory
        time.sleep(settle)
        return worker.rss_mib()
    finally:
        worker.stop()
        client.flushdb()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--counts", type=int, nargs="+", default=[1000, 100_000])
    parser.add_argument("--settle", type=float, default=20)
    args = parser.parse_args()
    if not settings.REDIS_URL or connection.vendor != "postgresql":
        raise SystemExit("set DATABASE_URL (PostgreSQL) and REDIS_URL (a Redis db of its own)")
    print(f"{'scheduled':>10} {'db: worker MiB':>15} {'db: beat MiB':>13} {'ETA: worker MiB':>16}")
    for count in args.counts:
        worker_mib, beat_mib = database_design(count, args.settle)
        eta_mib = eta_design(count, args.settle)
        print(f"{count:>10} {worker_mib:>15.0f} {beat_mib:>13.0f} {eta_mib:>16.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
