"""Rate-limit usage for the sandbox's read endpoints, counted from the request log (so it
resets with the test database and needs no other store).

A limit is "N calls per window" for the requests of one platform whose endpoint is among
`endpoints` and whose path contains `path_contains` (a Page id for Meta's Business Use Case
limit, nothing for an app-wide limit). The request being answered is already in the log (the
`endpoint` decorator writes it first), so it counts.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from sandbox.models import SandboxRequest


@dataclass(frozen=True)
class WindowUsage:
    limit: int
    used: int
    reset_at: datetime

    @property
    def remaining(self) -> int:
        return max(self.limit - self.used, 0)

    @property
    def over(self) -> bool:
        return self.used > self.limit

    @property
    def percent(self) -> int:
        return min(int(self.used * 100 / self.limit), 100) if self.limit else 100


def env_limit(name: str, default: int) -> int:
    """Limits are read per request, so a test can lower one with monkeypatch.setenv."""
    return max(int(os.environ.get(name, str(default))), 1)


def window_usage(
    *,
    platform: str,
    endpoints: tuple[str, ...],
    window: timedelta,
    limit: int,
    path_contains: str = "",
) -> WindowUsage:
    now = timezone.now()
    calls = SandboxRequest.objects.filter(
        platform=platform, endpoint__in=endpoints, created_at__gt=now - window
    ).exclude(status=429)
    if path_contains:
        calls = calls.filter(path__contains=path_contains)
    used = calls.count()
    oldest = calls.order_by("id").values_list("created_at", flat=True).first()
    return WindowUsage(limit=limit, used=used, reset_at=(oldest or now) + window)
