"""Benchmark: the Beat refresh sweep over 10,000 connections with 1% due.

Runs in a throw-away test database (created and destroyed here), on PostgreSQL when
DATABASE_URL is set, else SQLite. Reports queries issued and time per sweep (median of
several runs), and checks that the query count does not grow with the connections not due.

    DEBUG=true DATABASE_URL=postgres://... .venv/bin/python bench/refresh_sweep_bench.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")
os.environ["LOG_LEVEL"] = "WARNING"

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

RUNS = 15


def populate(brand, *, total: int, due: int) -> None:
    from connections.models import PlatformConnection

    now = timezone.now()
    PlatformConnection.objects.all().delete()
    rows = []
    for index in range(total):
        is_due = index < due
        expires = now + (timedelta(minutes=20) if is_due else timedelta(days=30))
        rows.append(
            PlatformConnection(
                brand=brand,
                platform="x",
                account_id=str(index),
                access_token=f"access-{index}",
                refresh_token=f"refresh-{index}",
                token_expires_at=expires,
                refresh_due_at=expires - timedelta(minutes=30),
            )
        )
    PlatformConnection.objects.bulk_create(rows, batch_size=1000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE connections_platformconnection")


def measure() -> tuple[int, float, int]:
    from connections.tasks import sweep_due_connections

    times, counts, found = [], [], 0
    for _ in range(RUNS):
        enqueued: list[int] = []
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            sweep_due_connections(enqueue=enqueued.append)
            times.append((time.perf_counter() - started) * 1000)
        counts.append(len(queries))
        found = len(enqueued)
    return max(counts), statistics.median(times), found


def explain() -> str:
    from connections.models import PlatformConnection

    query = (
        PlatformConnection.objects.filter(refresh_due_at__lte=timezone.now())
        .order_by("refresh_due_at")
        .values_list("id", flat=True)[:500]
    )
    return query.explain()


def main() -> None:
    from tenancy.services import brand_create, tenant_create

    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        tenant = tenant_create(name="Bench", slug="bench")
        brand = brand_create(tenant=tenant, name="Bench brand")
        print(f"database: {connection.vendor} ({test_db})")
        results = {}
        for total in (1_000, 10_000):
            populate(brand, total=total, due=100)
            queries, median_ms, found = measure()
            results[total] = queries
            print(
                f"{total:>6} connections, 100 due: {queries} query per sweep, "
                f"median {median_ms:.2f} ms over {RUNS} runs, {found} enqueued"
            )
        print("plan at 10,000:\n  " + explain().replace("\n", "\n  "))
        if results[1_000] != results[10_000]:
            raise SystemExit("query count grew with connections not due")
        print("query count is the same with 9x more connections not due: OK")
    finally:
        connection.creation.destroy_test_db(test_db, verbosity=0)


if __name__ == "__main__":
    main()
