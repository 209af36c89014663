"""Instagram professional-account metrics (PLATFORMS.md §1.6):

- GET /{ig-id}/media?fields=id,timestamp,permalink,media_type,like_count,comments_count
  &since&until&limit (newest first, `paging.cursors.after` while `paging.next` exists);
- GET /{ig-media-id}/insights?metric=views,reach,likes,comments,shares,saved,
  total_interactions per media. The removed metrics (impressions, plays,
  clips_replays_count, ig_reels_aggregated_all_plays_count, video_views: gone for all API
  versions since 2025-04-21) are never asked for. Data can lag up to 48 h, and an empty
  `data` array means "no data", which we record as unavailable, never 0.
  https://developers.facebook.com/docs/instagram-platform/reference/instagram-media/insights
- GET /{ig-id}/insights?metric=reach,follower_count&period=day&since&until: the account's
  days (the other account metrics only come as totals over a range, not per day;
  follower_count covers the last 30 days only).
  https://developers.facebook.com/docs/instagram-platform/api-reference/instagram-user/insights

Needs `instagram_business_manage_insights`; without it the metrics are unavailable and the
listing's like/comment counts are kept. Graph errors, usage headers and the cut-short
paging are the same as Facebook's (connections/providers/facebook/insights.py).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from analytics.values import (
    DayStats,
    InsightsAccount,
    PostPage,
    PostStats,
    UsageObserver,
    as_int,
    stats_values,
)
from connections.providers.base import TokenSet
from connections.providers.facebook.insights import (
    days_from_insights,
    graph_post_page,
    lifetime_value,
    read_insights,
    window_params,
)

PAGE_SIZE = 25
LIST_FIELDS = "id,timestamp,permalink,media_type,media_product_type,like_count,comments_count"
MEDIA_METRICS = ("views", "reach", "likes", "comments", "shares", "saved", "total_interactions")
FIELD_MAP = {
    "views": "views",
    "reach": "reach",
    "likes": "likes",
    "comments": "comments",
    "shares": "shares",
    "saved": "saves",
}
REPORTED = ("views", "reach", "likes", "comments", "shares", "saves")
ACCOUNT_DAILY = True
ACCOUNT_DAY_METRICS = ("reach", "follower_count")


def _parse_time(value: Any) -> datetime | None:
    try:
        return datetime.strptime(str(value), "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        return None


def stats_of(node: dict[str, Any], insights: dict[str, Any]) -> PostStats:
    found = {field: as_int(lifetime_value(insights.get(m))) for m, field in FIELD_MAP.items()}
    # The media node's own counts stand in when insights did not answer (no permission, lag).
    if found["likes"] is None:
        found["likes"] = as_int(node.get("like_count"))
    if found["comments"] is None:
        found["comments"] = as_int(node.get("comments_count"))
    values = stats_values(**found)
    return PostStats(
        post_id=str(node["id"]),
        posted_at=_parse_time(node.get("timestamp")),
        permalink=str(node.get("permalink") or ""),
        values=values,
        unavailable=tuple(f for f in REPORTED if values[f] is None),
        raw={
            "media_type": node.get("media_type"),
            "media_product_type": node.get("media_product_type"),
            "like_count": node.get("like_count"),
            "comments_count": node.get("comments_count"),
            "insights": {name: lifetime_value(item) for name, item in insights.items()},
        },
    )


def page(
    provider,
    token: TokenSet,
    *,
    account: InsightsAccount,
    since: datetime,
    until: datetime,
    cursor: str | None,
    observe: UsageObserver,
) -> PostPage:
    params = window_params(since, until, cursor)
    params.update(fields=LIST_FIELDS, limit=PAGE_SIZE)
    return graph_post_page(
        provider, token, f"/{account.account_id}/media", params, observe,
        time_field="timestamp", metrics=MEDIA_METRICS, stats=stats_of,
    )  # fmt: skip


def account_days(
    provider,
    token: TokenSet,
    *,
    account: InsightsAccount,
    since: date,
    until: date,
    observe: UsageObserver,
) -> list[DayStats]:
    start = datetime.combine(since, datetime.min.time(), tzinfo=UTC)
    end = datetime.combine(until + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    found = read_insights(
        provider, token, f"/{account.account_id}/insights", ACCOUNT_DAY_METRICS, set(),
        observe, period="day", since=int(start.timestamp()), until=int(end.timestamp()),
    )  # fmt: skip
    return days_from_insights(found, ACCOUNT_DAY_METRICS, since, until)
