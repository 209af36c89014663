"""Seeding the sandbox with posts and numbers, for tests, the demo and benchmarks: the insights
endpoints only ever report what was seeded here (or through a platform's own endpoints).

Account-level daily series (Google's Performance API, Page and Instagram account insights)
have no post to hang on: they are stored as one SandboxPost per account under the platform
name with a ".daily" suffix, which no post listing reads, with `metrics` =
{"YYYY-MM-DD": {"METRIC": value, ...}, ...}.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from sandbox.published.models import SandboxPost

BATCH = 1000


def seed_posts(
    *,
    platform: str,
    account_id: str,
    count: int,
    newest: datetime | None = None,
    spacing: timedelta = timedelta(hours=1),
    post_id: Callable[[int], str] | None = None,
    metrics: Callable[[int], dict[str, Any]] | None = None,
    kind: str = "",
    text: str = "Seeded post {i}",
) -> int:
    """`count` posts by `account_id`, the newest at `newest` and each older one `spacing`
    earlier; post i (0 = oldest) gets `post_id(i)` and `metrics(i)`. Inserted in batches, and
    rows are created oldest first so ids grow with time as on the platforms."""
    newest = newest or timezone.now() - timedelta(minutes=5)
    post_id = post_id or (lambda i: f"{platform}-{account_id}-{i}")
    metrics = metrics or (lambda i: {})
    for start in range(0, count, BATCH):
        rows = []
        for i in range(start, min(start + BATCH, count)):
            rows.append(
                SandboxPost(
                    platform=platform,
                    account_id=account_id,
                    post_id=post_id(i),
                    text=text.format(i=i),
                    kind=kind,
                    metrics=metrics(i),
                )
            )
        SandboxPost.objects.bulk_create(rows)
        # created_at is auto_now_add (bulk_create stamps "now"): set the intended times.
        for offset, row in enumerate(rows):
            row.created_at = newest - spacing * (count - 1 - (start + offset))
        SandboxPost.objects.bulk_update(rows, ["created_at"], batch_size=BATCH)
    return count


def set_post_time(post_id: str, moment: datetime) -> None:
    SandboxPost.objects.filter(post_id=post_id).update(created_at=moment)


def daily_platform(platform: str) -> str:
    return f"{platform}.daily"


def seed_account_days(
    *, platform: str, account_id: str, days: dict[date, dict[str, Any]]
) -> SandboxPost:
    """Merge `days` into the account's daily series."""
    row, _ = SandboxPost.objects.get_or_create(
        platform=daily_platform(platform),
        account_id=account_id,
        post_id=f"{daily_platform(platform)}:{account_id}",
        defaults={"kind": "ACCOUNT_DAILY"},
    )
    merged = dict(row.metrics or {})
    for day, values in days.items():
        merged[day.isoformat()] = {**merged.get(day.isoformat(), {}), **values}
    row.metrics = merged
    row.save(update_fields=["metrics"])
    return row


def account_days(platform: str, account_id: str) -> dict[str, dict[str, Any]]:
    """The seeded series: {"YYYY-MM-DD": {metric: value}} (empty when nothing was seeded)."""
    row = (
        SandboxPost.objects.filter(platform=daily_platform(platform), account_id=account_id)
        .values_list("metrics", flat=True)
        .first()
    )
    return dict(row or {})
