"""Publishing end to end, with real processes: the sandbox platforms behind daphne, Celery
workers (prefork) and Celery beat, all on PostgreSQL + Redis. Run by hand on a disposable
database (it leaves its rows behind; drop the database afterwards):

    createdb -h 127.0.0.1 -U postgres bench_e2e
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_e2e
    export REDIS_URL=redis://127.0.0.1:6379/11
    .venv/bin/python manage.py migrate          # with DEBUG=true IGNORE_DOTENV=true
    .venv/bin/python bench/publishing_e2e.py throughput --posts 5000 --concurrency 2
    .venv/bin/python bench/publishing_e2e.py lateness --single 100 --burst 1000

throughput: N posts (one X job each, spread over 10 accounts) become due at once; beat
dispatches them and 2 worker processes publish them to the sandbox. Jobs per second = N over
(last published_at - the moment they became due). Then a bare loop makes the same N HTTP calls
(POST /2/tweets, distinct texts, the same accounts) with the same concurrency (processes), and
the ratio pipeline time / bare time is printed (target: at most 2).

lateness: start of the first publish attempt minus the post's scheduled time, p50 and p99, for
single posts scheduled apart from each other and for a burst of posts due at the same second.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
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

import requests  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Max  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import _processes as processes  # noqa: E402
from connections.models import PlatformConnection  # noqa: E402
from publishing.models import JobStatus, Post, PublishAttempt, PublishJob  # noqa: E402
from sandbox import tokens  # noqa: E402  (the bench plays the platform's token issuer)
from sandbox.models import SandboxToken  # noqa: E402
from tenancy.models import Brand, Tenant  # noqa: E402

S = JobStatus
ACCOUNTS = 10
SCOPES = ["tweet.read", "tweet.write", "users.read", "offline.access", "media.write"]


def _brand(run: str) -> tuple[Brand, list[PlatformConnection]]:
    tenant = Tenant.objects.create(name=f"bench {run}", slug=f"bench-{run}")
    brand = Brand.objects.create(tenant=tenant, name=f"bench {run}", slug="bench")
    connections = []
    for i in range(ACCOUNTS):
        user_id = f"77{run[-8:]}{i:04d}"
        token = tokens.issue(
            "x", kind=SandboxToken.ACCESS, subject=user_id, client_id="sandbox-x-client",
            scopes=SCOPES, ttl=None,
        )  # fmt: skip
        connections.append(
            PlatformConnection.objects.create(
                brand=brand,
                platform="x",
                account_id=user_id,
                display_name=user_id,
                access_token=token.token,
                granted_scopes=SCOPES,
            )  # fmt: skip
        )
    return brand, connections


def _text(run: str, i: int) -> str:
    return f"Bench {run} post {i}: fresh roast at the corner shop, open from 7am every day."


def _jobs(brand, connections, run: str, due_times: list) -> None:
    """Posts with one scheduled job each, in the state post_schedule leaves them in (bulk, so
    setting up thousands is quick; the validation gate ran in the API tests, and the worker
    validates again before publishing anyway)."""
    posts = Post.objects.bulk_create(
        [
            Post(brand=brand, text=_text(run, i), scheduled_at=due)
            for i, due in enumerate(due_times)
        ],
        batch_size=2000,
    )
    PublishJob.objects.bulk_create(
        [
            PublishJob(
                post=post,
                brand=brand,
                connection=connections[i % len(connections)],
                platform="x",
                status=S.SCHEDULED,
                next_attempt_at=post.scheduled_at,
            )  # fmt: skip
            for i, post in enumerate(posts)
        ],
        batch_size=2000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE publishing_publishjob")


def _wait_published(brand, total: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        counts = dict(
            PublishJob.objects.filter(brand=brand)
            .values_list("status")
            .annotate(n=django.db.models.Count("id"))
        )
        if counts.get(S.PUBLISHED, 0) == total:
            return
        time.sleep(0.5)
    raise SystemExit(f"timed out: {counts}")


def _wait_for_worker() -> None:
    from config.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if app.control.ping(timeout=1.0):
            return
    raise SystemExit("the worker did not answer a ping")


def _bare_chunk(args: tuple[str, list[tuple[str, str]]]) -> int:
    base, calls = args
    session = requests.Session()
    for token, text in calls:
        response = session.post(
            f"{base}/sandbox/x/2/tweets",
            json={"text": text},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        assert response.status_code == 201, response.text
    return len(calls)


def throughput(args) -> None:
    run = str(time.time_ns())
    brand, connections = _brand(run)
    far = timezone.now() + timedelta(days=1)
    _jobs(brand, connections, run, [far] * args.posts)
    server, url = processes.sandbox_server()
    processes.purge(url)
    worker = processes.worker(url, concurrency=args.concurrency)
    beat = None
    try:
        _wait_for_worker()
        beat = processes.beat(url)
        time.sleep(3)  # beat's first tick
        start = timezone.now()
        PublishJob.objects.filter(brand=brand).update(next_attempt_at=start)
        _wait_published(brand, args.posts, timeout=args.posts)
        last = PublishJob.objects.filter(brand=brand).aggregate(m=Max("published_at"))["m"]
        pipeline_s = (last - start).total_seconds()
        worker_mib = worker.rss_mib()

        calls = [
            (connections[i % ACCOUNTS].access_token, "bare " + _text(run, i))
            for i in range(args.posts)
        ]
        chunks = [calls[i :: args.concurrency] for i in range(args.concurrency)]
        started = time.perf_counter()
        with multiprocessing.get_context("spawn").Pool(args.concurrency) as pool:
            sent = sum(pool.map(_bare_chunk, [(url, chunk) for chunk in chunks]))
        bare_s = time.perf_counter() - started
        assert sent == args.posts
    finally:
        for child in (beat, worker, server):
            if child is not None:
                child.stop()
    print(f"posts: {args.posts}, accounts: {ACCOUNTS}, concurrency: {args.concurrency}")
    print(f"pipeline: {pipeline_s:.1f} s, {args.posts / pipeline_s:.1f} jobs/s "
          f"(worker tree RSS {worker_mib:.0f} MiB)")  # fmt: skip
    print(f"bare loop: {bare_s:.1f} s, {args.posts / bare_s:.1f} calls/s")
    print(f"ratio pipeline/bare: {pipeline_s / bare_s:.2f}x")


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def _lateness(brand) -> list[float]:
    rows = PublishAttempt.objects.filter(job__brand=brand, kind="publish", number=1).values_list(
        "started_at", "job__post__scheduled_at"
    )
    return [(started - scheduled).total_seconds() for started, scheduled in rows]


def lateness(args) -> None:
    run = str(time.time_ns())
    brand_single, connections_single = _brand(run + "s")
    brand_burst, connections_burst = _brand(run + "b")
    server, url = processes.sandbox_server()
    processes.purge(url)
    worker = processes.worker(url, concurrency=args.concurrency)
    beat = None
    try:
        _wait_for_worker()
        beat = processes.beat(url)
        lead = timezone.now() + timedelta(seconds=20)
        # Single posts: one every `gap` seconds, at odd fractions of a second.
        singles = [
            lead + timedelta(seconds=i * args.gap + (i * 0.37) % 1) for i in range(args.single)
        ]
        _jobs(brand_single, connections_single, run + "s", singles)
        _wait_published(brand_single, args.single, timeout=60 + args.single * args.gap * 2)
        single = _lateness(brand_single)

        burst_at = timezone.now() + timedelta(seconds=15)
        _jobs(brand_burst, connections_burst, run + "b", [burst_at] * args.burst)
        _wait_published(brand_burst, args.burst, timeout=60 + args.burst)
        burst = _lateness(brand_burst)
    finally:
        for child in (beat, worker, server):
            if child is not None:
                child.stop()
    interval = settings.PUBLISH_DISPATCH_INTERVAL_SECONDS
    print(f"dispatch interval {interval} s, batch {settings.PUBLISH_DISPATCH_BATCH}, "
          f"concurrency {args.concurrency}")  # fmt: skip
    for name, values in (("single", single), (f"burst of {args.burst}", burst)):
        print(
            f"{name:>14}: n={len(values)} p50 {statistics.median(values):.2f} s, "
            f"p99 {_percentile(values, 0.99):.2f} s, max {max(values):.2f} s"
        )


def main() -> int:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    one = sub.add_parser("throughput")
    one.add_argument("--posts", type=int, default=5000)
    one.add_argument("--concurrency", type=int, default=2)
    two = sub.add_parser("lateness")
    two.add_argument("--single", type=int, default=100)
    two.add_argument("--gap", type=float, default=1.5)
    two.add_argument("--burst", type=int, default=1000)
    two.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args()
    if not settings.REDIS_URL or connection.vendor != "postgresql":
        raise SystemExit("set DATABASE_URL (PostgreSQL) and REDIS_URL")
    if args.command is None:  # `make bench`: both, with the defaults
        for command in ("throughput", "lateness"):
            globals()[command](parser.parse_args([command]))
        return 0
    {"throughput": throughput, "lateness": lateness}[args.command](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
