"""Bulk upserts, one page at a time, in the same transaction as the cursor that records the
page as done: a page is either stored and checkpointed, or neither (then it is fetched again).
Nothing here keeps rows beyond the page it was given."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction

from analytics.models import AccountDailyMetrics, PostMetrics, SyncCursor
from analytics.values import METRIC_FIELDS, DayStats, PostStats
from connections.models import PlatformConnection
from publishing.models import PublishJob

POST_UPDATE_FIELDS = [
    "publish_job",
    "posted_at",
    "permalink",
    *METRIC_FIELDS,
    "unavailable",
    "raw",
    "fetched_at",
]


class LeaseLost(Exception):
    """Another worker holds this connection's sync now (our lease ran out): stop quietly."""


def _checkpoint(cursor_id: int, *, lease: datetime, new_lease: datetime, state: dict) -> None:
    moved = SyncCursor.objects.filter(pk=cursor_id, leased_until=lease).update(
        state=state, leased_until=new_lease
    )
    if moved != 1:
        raise LeaseLost(f"analytics cursor {cursor_id}: lease lost")


def store_posts(
    *,
    connection: PlatformConnection,
    cursor_id: int,
    posts: Sequence[PostStats],
    state: dict,
    fetched_at: datetime,
    lease: datetime,
    new_lease: datetime,
) -> int:
    """Upsert the page's rows and save the cursor after it; returns the rows written."""
    by_id = {p.post_id: p for p in posts}  # a post listed twice in a page is stored once
    jobs = dict(
        PublishJob.objects.filter(
            connection_id=connection.pk, platform_post_id__in=list(by_id)
        ).values_list("platform_post_id", "id")
    )
    rows = [
        PostMetrics(
            brand_id=connection.brand_id,
            connection_id=connection.pk,
            platform=connection.platform,
            platform_post_id=p.post_id,
            publish_job_id=jobs.get(p.post_id),
            posted_at=p.posted_at,
            permalink=p.permalink[:1000],
            unavailable=list(p.unavailable),
            raw=dict(p.raw),
            fetched_at=fetched_at,
            **{name: p.values.get(name) for name in METRIC_FIELDS},
        )
        for p in by_id.values()
    ]
    with transaction.atomic():
        if rows:
            PostMetrics.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["connection", "platform_post_id"],
                update_fields=POST_UPDATE_FIELDS,
            )
        _checkpoint(cursor_id, lease=lease, new_lease=new_lease, state=state)
    return len(rows)


def store_days(
    *,
    connection: PlatformConnection,
    cursor_id: int,
    days: Sequence[DayStats],
    state: dict,
    fetched_at: datetime,
    lease: datetime,
    new_lease: datetime,
) -> int:
    by_day = {d.day: d for d in days}
    rows = [
        AccountDailyMetrics(
            brand_id=connection.brand_id,
            connection_id=connection.pk,
            platform=connection.platform,
            day=d.day,
            values=dict(d.values),
            unavailable=list(d.unavailable),
            raw=dict(d.raw),
            fetched_at=fetched_at,
        )
        for d in by_day.values()
    ]
    with transaction.atomic():
        if rows:
            AccountDailyMetrics.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["connection", "day"],
                update_fields=["values", "unavailable", "raw", "fetched_at"],
            )
        _checkpoint(cursor_id, lease=lease, new_lease=new_lease, state=state)
    return len(rows)
