"""Values that cross the boundary between the analytics app and the providers' insights
clients (connections/providers/<slug>/insights.py). Plain frozen dataclasses, no Django: the
clients import them and return them, the sync service stores them.

(They would sit in connections/providers/base.py beside PublishResult; they live here because
the analytics app owns them.)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

# Our normalised per-post metrics. A platform that does not report one leaves it None (NULL),
# never 0: "nobody liked it" and "the platform does not say" are different facts.
METRIC_FIELDS: tuple[str, ...] = (
    "views",  # views / impressions
    "reach",
    "likes",  # likes / reactions
    "comments",
    "shares",  # shares / reposts
    "saves",
    "clicks",
    "video_views",
)


@dataclass(frozen=True)
class Usage:
    """How much of a rate limit the last call left used: `used` is a fraction (0.0-1.0) of
    the tightest limit the platform reported; `reset_at` when it frees up, if the platform
    says (X's x-rate-limit-reset, Meta's estimated_time_to_regain_access)."""

    used: float
    reset_at: datetime | None = None
    source: str = ""  # which header said so, for the sync log


class UsageObserver(Protocol):
    """What a sync hands an insights client. The client calls it after every response that
    carried usage headers (it may sleep: slowing down near the limit). A client that makes
    many calls per page (one per post) checks `stopping` between posts and, when it is set,
    ends the page early with a cursor pointing at the first post it did not read."""

    def __call__(self, usage: Usage) -> None: ...

    @property
    def stopping(self) -> bool: ...


@dataclass(frozen=True)
class InsightsAccount:
    """What an insights client needs to know about the connected account."""

    account_id: str
    kind: str = ""  # page, organization, member, location, user...
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PostStats:
    """One post's latest metrics. `values` maps METRIC_FIELDS names to a number or None;
    `unavailable` names the fields the platform normally reports but did not this time
    (a metric it removed, or an empty answer): they stay None and never fail the sync."""

    post_id: str
    posted_at: datetime | None = None
    permalink: str = ""
    values: Mapping[str, int | None] = field(default_factory=dict)
    unavailable: tuple[str, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PostPage:
    """One page of the account's posts in a time window, with their metrics. `next_cursor`
    is the platform's opaque token for the following page; None when the window is done."""

    posts: tuple[PostStats, ...]
    next_cursor: str | None = None
    # A page cut short by a rate limit met after some of its posts were read: the sync
    # stores those, saves `next_cursor` (the first unread post), then stops with this error.
    stopped_by: Exception | None = None


@dataclass(frozen=True)
class DayStats:
    """One account-level day (Performance API per location, Page/IG account insights)."""

    day: date
    values: Mapping[str, int | None] = field(default_factory=dict)
    unavailable: tuple[str, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict)


def stats_values(**values: int | None) -> dict[str, int | None]:
    """A full METRIC_FIELDS mapping: the given values, None for the rest."""
    unknown = set(values) - set(METRIC_FIELDS)
    if unknown:
        raise ValueError(f"unknown metric fields: {sorted(unknown)}")
    return {name: values.get(name) for name in METRIC_FIELDS}


def as_int(value: Any) -> int | None:
    """A platform count as int; None for missing or junk (never 0 by accident)."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
