"""X post metrics (PLATFORMS.md §4.6): list the user's posts in a window with
GET /2/users/{id}/tweets (newest first, `pagination_token`), then read their public_metrics
in one GET /2/tweets?ids=… (up to 100 ids, exactly one listing page).

Rate limits come as x-rate-limit-limit/remaining/reset on every answer (no Retry-After); a
429 carries the reset too (errors.raise_for_response puts it on RateLimited.retry_at).
https://docs.x.com/x-api/fundamentals/rate-limits
https://docs.x.com/x-api/fundamentals/metrics
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import requests

from analytics.values import (
    InsightsAccount,
    PostPage,
    PostStats,
    Usage,
    UsageObserver,
    as_int,
    stats_values,
)
from connections.providers.base import TokenSet
from connections.providers.http import json_body

PAGE_SIZE = 100  # the listing's max_results and the lookup's id limit are both 100
PERMALINK = "https://x.com/i/web/status/{id}"
# What public_metrics reports, onto our fields. Reposts are retweets; quotes stay in `raw`.
# Clicks, reach and video views are not public metrics: they stay NULL.
FIELD_MAP = {
    "views": "impression_count",
    "likes": "like_count",
    "comments": "reply_count",
    "shares": "retweet_count",
    "saves": "bookmark_count",
}
ACCOUNT_DAILY = False  # X offers no per-account daily series on this API


def _api(provider, path: str) -> str:
    return provider.setting("API_BASE").rstrip("/") + path


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def usage_of(response: requests.Response) -> Usage | None:
    """remaining/limit as a used fraction, with the window's reset (unix seconds)."""
    limit = as_int(response.headers.get("x-rate-limit-limit"))
    remaining = as_int(response.headers.get("x-rate-limit-remaining"))
    if not limit or remaining is None:
        return None
    reset = as_int(response.headers.get("x-rate-limit-reset"))
    return Usage(
        used=min(max(1 - remaining / limit, 0.0), 1.0),
        reset_at=datetime.fromtimestamp(reset, tz=UTC) if reset else None,
        source="x-rate-limit",
    )


def _get(provider, token: TokenSet, path: str, params: dict, observe: UsageObserver):
    response = provider.http.request(
        "GET", _api(provider, path), bearer=token.access_token, params=params
    )
    usage = usage_of(response)
    if usage is not None:
        observe(usage)
    return json_body(response)


def public_metrics(
    provider, token: TokenSet, ids: list[str], observe: UsageObserver
) -> dict[str, dict[str, Any]]:
    """id -> the tweet object (with public_metrics), for up to 100 ids in one call. Ids X
    could not return (deleted, protected) are missing from the result."""
    if not ids:
        return {}
    if len(ids) > PAGE_SIZE:
        raise ValueError("X looks up at most 100 ids per call")
    body = _get(
        provider,
        token,
        "/tweets",
        {"ids": ",".join(ids), "tweet.fields": "public_metrics,created_at"},
        observe,
    )
    return {str(t.get("id")): t for t in body.get("data") or [] if isinstance(t, dict)}


def stats_of(tweet_id: str, listed: dict[str, Any], looked_up: dict[str, Any] | None) -> PostStats:
    metrics = (looked_up or {}).get("public_metrics")
    metrics = metrics if isinstance(metrics, dict) else {}
    values = stats_values(**{field: as_int(metrics.get(key)) for field, key in FIELD_MAP.items()})
    unavailable = tuple(field for field in FIELD_MAP if values[field] is None)
    return PostStats(
        post_id=tweet_id,
        posted_at=_parse_time((looked_up or listed).get("created_at")),
        permalink=PERMALINK.format(id=tweet_id),
        values=values,
        unavailable=unavailable,
        raw={"public_metrics": metrics} if looked_up else {"missing": True},
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
    params: dict[str, Any] = {
        "max_results": PAGE_SIZE,
        "tweet.fields": "created_at",
        "start_time": _rfc3339(since),
        # Rounded up to the second, so a post in the run's last second is in the window.
        "end_time": _rfc3339(until + timedelta(seconds=1)),
    }
    if cursor:
        params["pagination_token"] = cursor
    body = _get(provider, token, f"/users/{account.account_id}/tweets", params, observe)
    listed = [t for t in body.get("data") or [] if isinstance(t, dict) and t.get("id")]
    found = public_metrics(provider, token, [str(t["id"]) for t in listed], observe)
    posts = tuple(stats_of(str(t["id"]), t, found.get(str(t["id"]))) for t in listed)
    next_token = (body.get("meta") or {}).get("next_token")
    return PostPage(posts=posts, next_cursor=str(next_token) if next_token else None)
