"""How a sync run paces itself against a platform's rate limit.

After every response that carries usage headers (X's x-rate-limit-*, Meta's X-App-Usage and
X-Business-Use-Case-Usage) the insights client reports a `Usage` (the fraction of the
tightest limit used). The thresholds:

- below SLOW_AT (75 %): full speed;
- from SLOW_AT to STOP_AT: pause before the next call, growing linearly from 0 to
  MAX_PAUSE_SECONDS as usage climbs, so a run spreads its calls out instead of racing to
  the wall;
- at STOP_AT (90 %) or above: stop once the current page is stored, keep the cursor, and
  resume at the platform's reset time (or COOL_DOWN later when it gives none). The margin
  keeps the last 10 % for publishing and other callers sharing the same limit.

LinkedIn and Google send no usage headers: there the run goes at full speed and only a 429
stops it (RateLimited from the provider, with the platform's reset when it is known).
Everything here is per connection: a stopped run sets that connection's `next_allowed_at`
only.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta

from django.utils import timezone

from analytics.values import Usage
from connections.providers.base import RateLimited

SLOW_AT = 0.75
STOP_AT = 0.90
MAX_PAUSE_SECONDS = 2.0
# When the platform gives no reset time: Meta's usage is over a rolling hour, so a quarter
# of it lets the percentage fall well below the stop line.
COOL_DOWN = timedelta(minutes=15)


class NearLimit(RateLimited):
    """We stopped ourselves just before the platform's limit (not a platform error)."""

    code = "near_rate_limit"


class Throttle:
    """The UsageObserver one sync run hands to the insights client.

    It never throws fetched data away. Past STOP_AT it only notes the resume time and sets
    `stopping`: clients that call once per post end their page early there (with a cursor at
    the first unread post), and the sync calls `check()` after storing each page, which
    raises NearLimit. A real 429 mid-page still ends the run at once (that page is fetched
    again)."""

    def __init__(self, *, sleep: Callable[[float], None] = time.sleep):
        self.sleep = sleep
        self.peak = 0.0  # highest usage seen, for the sync log
        self.pauses = 0
        self.paused_seconds = 0.0
        self.source = ""
        self.stop: Usage | None = None

    def __call__(self, usage: Usage) -> None:
        self.peak = max(self.peak, usage.used)
        self.source = usage.source or self.source
        if usage.used >= STOP_AT:
            self.stop = usage
        elif usage.used >= SLOW_AT:
            pause = MAX_PAUSE_SECONDS * (usage.used - SLOW_AT) / (STOP_AT - SLOW_AT)
            if pause > 0:
                self.pauses += 1
                self.paused_seconds += pause
                self.sleep(pause)

    @property
    def stopping(self) -> bool:
        return self.stop is not None

    def check(self) -> None:
        """Between pages: stop here if the last usage reached STOP_AT."""
        if self.stop is not None:
            raise NearLimit(
                f"{self.stop.source or 'rate limit'} at {self.stop.used:.0%}: "
                "pausing until the reset",
                retry_at=resume_at(self.stop.reset_at),
            )

    def summary(self) -> dict:
        return {
            "usage_peak": round(self.peak, 3),
            "usage_source": self.source,
            "pauses": self.pauses,
            "paused_seconds": round(self.paused_seconds, 2),
        }


def resume_at(reset_at: datetime | None, *, now: datetime | None = None) -> datetime:
    """When a stopped run may start again: the platform's reset, never in the past."""
    now = now or timezone.now()
    if reset_at is None:
        return now + COOL_DOWN
    return max(reset_at, now + timedelta(seconds=1))
