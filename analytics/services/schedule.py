"""Which connections are due for an analytics run, and the lease that makes one run at a
time per connection.

Every active connection on a supported platform gets a SyncCursor the first time the Beat
sweep sees it (due at once: that run is the 90-day backfill). After that, a connection is due
when its own `next_allowed_at` has passed: the next incremental slot, or the reset after a
rate limit. Workers claim a due cursor with a conditional UPDATE (exactly one row changes)
and hold a lease renewed at every stored page.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from analytics.models import SyncCursor
from analytics.platforms import supported_platforms
from connections.models import ConnectionStatus, PlatformConnection

LEASE = timedelta(minutes=15)  # renewed at every stored page; a crashed run frees it
INCREMENTAL_EVERY = timedelta(hours=6)
# After a failed run (5xx, timeout, refused call): 5 min, 10, 20 ... capped at 6 h.
BACKOFF_FIRST = timedelta(minutes=5)
BACKOFF_CAP = timedelta(hours=6)


def backoff(failures: int) -> timedelta:
    return min(BACKOFF_FIRST * (2 ** max(failures - 1, 0)), BACKOFF_CAP)


def cursors_create_missing(*, now: datetime | None = None, limit: int = 500) -> int:
    """A cursor, due now, for each active connection that has none yet."""
    now = now or timezone.now()
    missing = list(
        PlatformConnection.objects.filter(
            status=ConnectionStatus.ACTIVE,
            platform__in=supported_platforms(),
            analytics_cursor__isnull=True,
        ).values_list("id", "brand_id")[:limit]
    )
    SyncCursor.objects.bulk_create(
        [SyncCursor(connection_id=c, brand_id=b, next_allowed_at=now) for c, b in missing],
        ignore_conflicts=True,  # a concurrent sweep made the same cursor: fine
    )
    return len(missing)


def cursors_due(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    """Connection ids whose run may start now (range scan on the partial index)."""
    now = now or timezone.now()
    return list(
        SyncCursor.objects.filter(
            next_allowed_at__lte=now,
            connection__status=ConnectionStatus.ACTIVE,
            connection__platform__in=supported_platforms(),
        )
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
        .order_by("next_allowed_at")
        .values_list("connection_id", flat=True)[:limit]
    )


def cursor_claim(*, connection_id: int, now: datetime | None = None) -> datetime | None:
    """Take the lease on a due cursor; returns the lease's end (its token), or None when the
    cursor is not due, or another worker holds it."""
    now = now or timezone.now()
    lease = now + LEASE
    taken = (
        SyncCursor.objects.filter(connection_id=connection_id, next_allowed_at__lte=now)
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
        .update(leased_until=lease)
    )
    return lease if taken == 1 else None


def cursor_sync_now(*, cursor: SyncCursor) -> None:
    """Staff asked for a run: due now (a rate-limit wait is not shortened by this)."""
    now = timezone.now()
    waiting_for_reset = cursor.last_outcome == "partial" and cursor.next_allowed_at is not None
    if not waiting_for_reset:
        SyncCursor.objects.filter(pk=cursor.pk).update(next_allowed_at=now)
