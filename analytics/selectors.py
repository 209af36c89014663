"""Reads for the API, the admin and the posts page; every query is brand-scoped."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, QuerySet, Sum

from analytics.models import PostMetrics
from analytics.values import METRIC_FIELDS


def day_range(*, brand, since: date, until: date) -> tuple[datetime, datetime]:
    """[start of `since`, start of the day after `until`) in the brand's time zone."""
    zone = ZoneInfo(brand.timezone or "UTC")
    start = datetime.combine(since, time.min, tzinfo=zone)
    end = datetime.combine(until + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def post_metrics_for_brand(
    *,
    brand,
    since: date,
    until: date,
    platform: str | None = None,
    connection_id: int | None = None,
) -> QuerySet[PostMetrics]:
    """The latest metrics of the brand's posts published between the two days (inclusive)."""
    start, end = day_range(brand=brand, since=since, until=until)
    rows = PostMetrics.objects.filter(brand=brand, posted_at__gte=start, posted_at__lt=end)
    if platform:
        rows = rows.filter(platform=platform)
    if connection_id:
        rows = rows.filter(connection_id=connection_id)
    return rows.select_related("publish_job").order_by("-posted_at", "-id")


def summary_for_brand(*, brand, since: date, until: date) -> list[dict]:
    """Per platform: how many posts, and each metric's total. A metric no post reported sums
    to None (not reported), never 0."""
    start, end = day_range(brand=brand, since=since, until=until)
    return list(
        PostMetrics.objects.filter(brand=brand, posted_at__gte=start, posted_at__lt=end)
        .values("platform")
        .annotate(posts=Count("id"), **{name: Sum(name) for name in METRIC_FIELDS})
        .order_by("platform")
    )


def latest_for_jobs(*, brand, job_ids: Iterable[int]) -> dict[int, PostMetrics]:
    """Job id -> its post's latest metrics, for the posts page."""
    rows = PostMetrics.objects.filter(brand=brand, publish_job_id__in=list(job_ids))
    return {row.publish_job_id: row for row in rows}


def published_posts_page(
    *, connection_id: int, since: datetime, until: datetime, after_job_id: int, limit: int
) -> list[tuple[int, str, datetime | None]]:
    """(job id, platform post id, published at) of the posts we published through this
    connection in the window, by job id after `after_job_id`: the listing for platforms that
    cannot list an account's posts (LinkedIn members)."""
    from publishing.models import JobStatus, PublishJob

    return list(
        PublishJob.objects.filter(
            connection_id=connection_id,
            status=JobStatus.PUBLISHED,
            published_at__gte=since,
            published_at__lte=until,
            id__gt=after_job_id,
        )
        .exclude(platform_post_id="")
        .order_by("id")
        .values_list("id", "platform_post_id", "published_at")[:limit]
    )
