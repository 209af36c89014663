"""Benchmark: the 90-day analytics backfill of one X connection with 2,500 / 5,000 / 10,000
posts, against the sandbox over real HTTP (a separate `runserver` process on the same
throw-away database, so the sync's memory is measured alone).

For each size: seed the posts (with public_metrics) straight into the sandbox, then run the
backfill twice from scratch: once for wall time with the process RSS sampled every 5 ms (peak
above the level before the run), once under tracemalloc (peak Python allocations during the
run; slower, so not timed). Memory must not grow with the number of posts: the sync streams
page by page (100 posts: one listing call, one ids lookup, one bulk upsert).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_analytics DEBUG=true \\
    .venv/bin/python bench/analytics_backfill.py

It creates test_<dbname> and drops it at the end (PostgreSQL when DATABASE_URL is set, else
SQLite is not supported here: the sandbox server needs a second process on the same DB).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")
os.environ["LOG_LEVEL"] = "WARNING"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

SIZES = (2_500, 5_000, 10_000)
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


def _rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE_BYTES


class RssPeak:
    """Samples this process's RSS in a thread; `peak` is the highest value seen."""

    def __init__(self, every: float = 0.005):
        self.every, self.peak, self._stop = every, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, _rss())
            time.sleep(self.every)

    def __enter__(self):
        self.peak = _rss()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_sandbox(db_name: str) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    parts = urlsplit(os.environ["DATABASE_URL"])
    env = {
        **os.environ,
        "DATABASE_URL": urlunsplit(parts._replace(path=f"/{db_name}")),
        "SANDBOX_PLATFORMS": "true",
        "SANDBOX_BASE_URL": url,
        "DEBUG": "true",
        "LOG_LEVEL": "WARNING",
        # The bench reads far more than one 15-minute window allows on the real X.
        "SANDBOX_X_LOOKUPS_PER_WINDOW": "1000000",
    }
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server, url
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the sandbox server did not start")


def point_providers_at(url: str) -> None:
    from config.platforms import platform_settings

    for name, value in platform_settings(sandbox=True, sandbox_base_url=url).items():
        setattr(settings, name, value)


def seed(account: str, count: int) -> None:
    from sandbox.analytics.seed import seed_posts

    newest = timezone.now() - timedelta(minutes=10)
    spacing = timedelta(days=89) / count  # all inside the 90-day window
    seed_posts(
        platform="x", account_id=account, count=count, newest=newest, spacing=spacing,
        post_id=lambda i: f"{account}{i:08d}",
        metrics=lambda i: {"impression_count": 1000 + i, "like_count": i % 97,
                           "reply_count": i % 7, "retweet_count": i % 11, "quote_count": 1,
                           "bookmark_count": i % 5},
    )  # fmt: skip


def fresh_run(conn):
    """Forget the connection's sync, then run its backfill once."""
    from analytics.models import PostMetrics, SyncCursor
    from analytics.services import schedule
    from analytics.services.sync import sync_connection

    PostMetrics.objects.filter(connection=conn).delete()
    SyncCursor.objects.filter(connection=conn).delete()
    schedule.cursors_create_missing()
    SyncCursor.objects.filter(connection=conn).update(next_allowed_at=timezone.now())
    return sync_connection(connection_id=conn.pk)


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="e.g. 2500,5000,10000")
    sizes = [int(n) for n in parser.parse_args().sizes.split(",")]
    if connection.vendor != "postgresql":
        raise SystemExit("run with DATABASE_URL=postgres://... (the sandbox runs in a 2nd process)")
    from analytics.models import PostMetrics
    from sandbox.models import SandboxRequest
    from tenancy.services import brand_create, tenant_create
    from tests.sandbox_accounts import sandbox_connection

    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    server = None
    try:
        settings.DEBUG = False  # no query log in this process: it would grow with the run
        server, url = start_sandbox(test_db)
        point_providers_at(url)
        tenant = tenant_create(name="Bench", slug="bench")
        brand = brand_create(tenant=tenant, name="Bench brand")
        print(f"database: {connection.vendor} ({test_db}); sandbox at {url}")
        print(f"load average before: {os.getloadavg()[0]:.2f}")
        rows = []
        for size in sizes:
            account = f"9{size}"
            seed(account, size)
            conn = sandbox_connection(brand, "x", account_id=account, subject=account)
            calls_before = SandboxRequest.objects.count()
            with RssPeak() as rss:
                before = _rss()
                started = time.perf_counter()
                result = fresh_run(conn)
                seconds = time.perf_counter() - started
            calls = SandboxRequest.objects.count() - calls_before
            stored = PostMetrics.objects.filter(connection=conn).count()
            tracemalloc.start()
            tracemalloc.reset_peak()
            base, _ = tracemalloc.get_traced_memory()
            traced = fresh_run(conn)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            if result.outcome != "ok" or traced.outcome != "ok" or stored != size:
                raise SystemExit(f"{size}: outcome {result.outcome}/{traced.outcome}, {stored}")
            rows.append((size, seconds, calls, (rss.peak - before) / 2**20, (peak - base) / 2**20))
            print(
                f"{size:>6} posts: {seconds:6.1f} s ({size / seconds:5.0f} posts/s), "
                f"{calls} HTTP calls, {result.pages} pages; RSS peak +{rows[-1][3]:.1f} MiB; "
                f"tracemalloc peak {rows[-1][4]:.2f} MiB"
            )
        print(f"load average after: {os.getloadavg()[0]:.2f}")
        small, large = rows[0][4], rows[-1][4]
        verdict = "OK" if large < small * 1.5 + 1 else "GREW"
        print(
            f"tracemalloc peak at {sizes[-1]:,} vs {sizes[0]:,} posts: "
            f"{large:.2f} vs {small:.2f} MiB: {verdict}"
        )
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        connection.close()
        connection.creation.destroy_test_db(test_db, verbosity=0)


if __name__ == "__main__":
    main()
