"""When to try again: full-jitter exponential backoff, never before a platform's reset."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.conf import settings


def retry_delay_seconds(attempt: int, *, rng: random.Random | None = None) -> float:
    """Full jitter (AWS architecture blog, "Exponential Backoff And Jitter"): a uniform draw in
    [0, min(cap, base * 2**(attempt-1))], so retries of many jobs spread out instead of
    hammering a recovering platform in step."""
    base = settings.PUBLISH_RETRY_BASE_SECONDS
    cap = settings.PUBLISH_RETRY_CAP_SECONDS
    ceiling = min(cap, base * 2 ** max(attempt - 1, 0))
    return (rng or random).uniform(0, ceiling)


def next_attempt_at(*, now: datetime, attempt: int, not_before: datetime | None = None) -> datetime:
    when = now + timedelta(seconds=retry_delay_seconds(attempt))
    if not_before is not None and when < not_before:
        when = not_before
    return when
