"""Reads behind the staff dashboard (/admin/dashboard/): each figure is computed here and
carries the admin changelist URL that lists the rows behind it, so a number is one click
from its evidence. Every query is bounded by a time window or a LIMIT, and served by the
publishjob (brand, status) / (status, next_attempt_at) indexes or a short date range."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncHour
from django.urls import reverse
from django.utils import timezone

from connections.models import ConnectionStatus, PlatformConnection
from publishing.models import JobStatus, Post, PublishJob
from tenancy.models import Brand

EXPIRY_WARNING = timedelta(days=7)
UPCOMING_LIMIT = 10


@dataclass(frozen=True)
class Figure:
    label: str
    value: int | float | None
    url: str


@dataclass(frozen=True)
class HourBar:
    start: datetime
    count: int
    url: str


@dataclass
class Dashboard:
    brand: Brand | None
    now: datetime
    status_24h: list[Figure] = field(default_factory=list)
    status_7d: list[Figure] = field(default_factory=list)
    failures: list[Figure] = field(default_factory=list)  # label "platform · error_code"
    latency_median_s: float | None = None
    latency_p95_s: float | None = None
    latency_sample: int = 0
    latency_url: str = ""
    upcoming: list[Post] = field(default_factory=list)
    upcoming_total: Figure | None = None
    connections_attention: list[PlatformConnection] = field(default_factory=list)
    connections_url: str = ""
    per_hour: list[HourBar] = field(default_factory=list)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def changelist_url(model: str, brand: Brand | None, **params: str) -> str:
    """The admin list of `publishing.<model>` (or `app.model`), filtered like the figure."""
    app_model = model if "." in model else f"publishing.{model}"
    app, name = app_model.split(".")
    # `brand` is the job/post admins' brand filter and a plain field lookup on connections.
    query = {"brand": str(brand.pk)} if brand is not None else {}
    query.update(params)
    return reverse(f"admin:{app}_{name}_changelist") + "?" + urlencode(query)


def percentile(sorted_values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least `fraction` of the sample at
    or below it (so p50 of [1, 2, 3, 4] is 2, and p95 of a few values is the largest)."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


def _jobs(brands: QuerySet[Brand], brand: Brand | None) -> QuerySet[PublishJob]:
    if brand is not None:
        return PublishJob.objects.filter(brand=brand)
    return PublishJob.objects.filter(brand__in=brands.values("pk"))


def _status_counts(jobs, brand, since: datetime) -> list[Figure]:
    rows = dict(
        jobs.filter(created_at__gte=since)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return [
        Figure(
            label,
            rows.get(value, 0),
            changelist_url("publishjob", brand, status=value, created_at__gte=_iso(since)),
        )
        for value, label in JobStatus.choices
    ]


def _failures(jobs, brand, since: datetime) -> list[Figure]:
    rows = (
        jobs.filter(status=JobStatus.FAILED, created_at__gte=since)
        .values("platform", "last_error_code")
        .annotate(n=Count("id"))
        .order_by("-n", "platform", "last_error_code")
    )
    return [
        Figure(
            f"{row['platform']} · {row['last_error_code'] or 'none'}",
            row["n"],
            changelist_url(
                "publishjob",
                brand,
                status=JobStatus.FAILED,
                platform=row["platform"],
                error=row["last_error_code"] or "none",
                created_at__gte=_iso(since),
            ),
        )
        for row in rows
    ]


def _latency(jobs, since: datetime) -> list[float]:
    """Seconds from the post's scheduled time to the job's publication, for scheduled posts
    published since `since` (publish-now posts have no schedule to measure against)."""
    pairs = jobs.filter(
        status=JobStatus.PUBLISHED, published_at__gte=since, post__scheduled_at__isnull=False
    ).values_list("published_at", "post__scheduled_at")
    return sorted(
        max(0.0, (published - scheduled).total_seconds()) for published, scheduled in pairs
    )


def _per_hour(jobs, brand, now: datetime) -> list[HourBar]:
    end = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    start = end - timedelta(hours=24)
    counts = {
        row["hour"].astimezone(UTC): row["n"]
        for row in jobs.filter(
            status=JobStatus.PUBLISHED, published_at__gte=start, published_at__lt=end
        )
        .annotate(hour=TruncHour("published_at", tzinfo=UTC))
        .values("hour")
        .annotate(n=Count("id"))
        .order_by()
    }
    bars = []
    for i in range(24):
        hour = start + timedelta(hours=i)
        bars.append(
            HourBar(
                hour,
                counts.get(hour, 0),
                changelist_url(
                    "publishjob",
                    brand,
                    status=JobStatus.PUBLISHED,
                    published_at__gte=_iso(hour),
                    published_at__lt=_iso(hour + timedelta(hours=1)),
                ),
            )
        )
    return bars


def _attention(brands, brand, now: datetime) -> QuerySet[PlatformConnection]:
    qs = PlatformConnection.objects.filter(
        Q(status=ConnectionStatus.NEEDS_REAUTH)
        | Q(status=ConnectionStatus.EXPIRING)
        | Q(token_expires_at__lte=now + EXPIRY_WARNING, status=ConnectionStatus.ACTIVE)
    )
    qs = qs.filter(brand=brand) if brand is not None else qs.filter(brand__in=brands.values("pk"))
    return qs.select_related("brand").order_by("token_expires_at", "id")


def dashboard_for(*, brands: QuerySet[Brand], brand: Brand | None, now: datetime | None = None):
    """The dashboard for one brand, or for every brand in `brands` when `brand` is None."""
    now = now or timezone.now()
    jobs = _jobs(brands, brand)
    week_ago = now - timedelta(days=7)
    board = Dashboard(brand=brand, now=now)
    board.status_24h = _status_counts(jobs, brand, now - timedelta(hours=24))
    board.status_7d = _status_counts(jobs, brand, week_ago)
    board.failures = _failures(jobs, brand, week_ago)
    latencies = _latency(jobs, week_ago)
    board.latency_sample = len(latencies)
    board.latency_median_s = percentile(latencies, 0.5)
    board.latency_p95_s = percentile(latencies, 0.95)
    board.latency_url = changelist_url(
        "publishjob", brand, status=JobStatus.PUBLISHED, published_at__gte=_iso(week_ago)
    )
    scheduled = jobs.filter(status=JobStatus.SCHEDULED, next_attempt_at__gte=now)
    board.upcoming_total = Figure(
        "scheduled jobs",
        scheduled.count(),
        changelist_url("publishjob", brand, status=JobStatus.SCHEDULED),
    )
    board.upcoming = list(
        Post.objects.filter(pk__in=scheduled.values("post_id"))
        .select_related("brand")
        .order_by("scheduled_at", "id")[:UPCOMING_LIMIT]
    )
    board.connections_attention = list(_attention(brands, brand, now)[:50])
    board.connections_url = changelist_url(
        "connections.platformconnection", brand, status=ConnectionStatus.NEEDS_REAUTH
    )
    board.per_hour = _per_hour(jobs, brand, now)
    return board
