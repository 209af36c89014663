"""Reads: every query is scoped by the brand the caller already resolved."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet

from publishing import state
from publishing.models import JobEvent, MediaAsset, Post, PublishJob


def events_after(*, brand_id: int, after_id: int, limit: int = 200) -> list[dict]:
    events = (
        JobEvent.objects.filter(brand_id=brand_id, id__gt=after_id)
        .order_by("id")
        .only(
            "id", "job_id", "post_id", "platform", "from_status", "status", "attempt",
            "error_code", "error_message", "permalink", "created_at",
        )[:limit]
    )  # fmt: skip
    return [event.as_message() for event in events]


def posts_for_brand(*, brand) -> QuerySet[Post]:
    jobs = PublishJob.objects.select_related("connection").order_by("id")
    return (
        Post.objects.filter(brand=brand)
        .select_related("author")
        .prefetch_related(Prefetch("jobs", queryset=jobs), "post_media__asset")
    )


def post_get(*, brand, post_id) -> Post:
    return posts_for_brand(brand=brand).get(pk=post_id)


def post_status_of(post: Post) -> str:
    return state.post_status(job.status for job in post.jobs.all())


def jobs_for_brand(
    *,
    brand,
    status: str | None = None,
    platform: str | None = None,
    connection_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[PublishJob]:
    jobs = PublishJob.objects.filter(brand=brand).select_related("connection")
    if status:
        jobs = jobs.filter(status=status)
    if platform:
        jobs = jobs.filter(platform=platform)
    if connection_id:
        jobs = jobs.filter(connection_id=connection_id)
    if since:
        jobs = jobs.filter(created_at__gte=since)
    if until:
        jobs = jobs.filter(created_at__lt=until)
    return jobs


def job_get(*, brand, job_id) -> PublishJob:
    return (
        PublishJob.objects.filter(brand=brand)
        .select_related("connection", "post")
        .prefetch_related("attempt_rows", "events")
        .get(pk=job_id)
    )


def media_for_brand(*, brand) -> QuerySet[MediaAsset]:
    return MediaAsset.objects.filter(brand=brand)


_CAPABILITY_KEY = re.compile(r"url|token|secret", re.IGNORECASE)


def shown_platform_ids(value: Any) -> Any:
    """A job's platform ids as people may see them (API, admin): upload URLs and upload
    tokens saved for resuming are capabilities (whoever holds one can upload into that
    media), so their keys are dropped at any depth."""
    if isinstance(value, dict):
        return {
            key: shown_platform_ids(item)
            for key, item in value.items()
            if not _CAPABILITY_KEY.search(str(key))
        }
    if isinstance(value, list):
        return [shown_platform_ids(item) for item in value]
    return value
