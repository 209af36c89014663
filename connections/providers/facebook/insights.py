"""Facebook Page post metrics (PLATFORMS.md §2.6), with the Page token:

- GET /{page-id}/published_posts?fields=id,created_time,permalink_url,
  reactions.summary(true).limit(0),comments.summary(true).limit(0),shares&since&until&limit
  (newest first, cursor-paged by `paging.cursors.after` while `paging.next` exists): the
  engagement counts come with the listing;
- GET /{post-id}/insights?metric=post_total_media_view_unique,post_media_view,
  post_reactions_by_type_total,post_clicks per post: the 2025 "views" metrics that replaced
  the deprecated post_impressions* (removed 2025-06-15 / 2025-11-15).
  https://developers.facebook.com/docs/graph-api/reference/insights
  https://developers.facebook.com/blog/post/2025/08/15/page-insights-api-updates/
- GET /{page-id}/insights?metric=…&period=day&since&until for the Page's days.

A metric Graph refuses (code 100: removed, or not valid for this post) or leaves out (empty
`data`) is recorded as unavailable, never as 0, and never fails the page. Meta's usage
headers (X-App-Usage, X-Business-Use-Case-Usage: percentages) are reported after each call.
https://developers.facebook.com/docs/graph-api/overview/rate-limiting/
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from math import ceil
from typing import Any

import requests
from django.utils import timezone

from analytics.values import (
    DayStats,
    InsightsAccount,
    PostPage,
    PostStats,
    Usage,
    UsageObserver,
    as_int,
    stats_values,
)
from connections.providers.base import RateLimited, Rejected, TokenSet
from connections.providers.http import json_body

PAGE_SIZE = 25
LIST_FIELDS = (
    "id,created_time,permalink_url,reactions.summary(true).limit(0),"
    "comments.summary(true).limit(0),shares"
)
POST_METRICS = (
    "post_total_media_view_unique",
    "post_media_view",
    "post_reactions_by_type_total",
    "post_clicks",
)
# Graph's metric -> our field (reactions and comments come from the listing's summaries).
INSIGHT_FIELDS = {
    "post_media_view": "views",
    "post_total_media_view_unique": "reach",
    "post_clicks": "clicks",
}
REPORTED = ("views", "reach", "likes", "comments", "shares", "clicks")
ACCOUNT_DAILY = True
PAGE_DAY_METRICS = (
    "page_media_view",
    "page_total_media_view_unique",
    "page_post_engagements",
    "page_follows",
)
INVALID_METRIC = 100  # Graph's "(#100) The value must be a valid insights metric"
MISSING_OBJECT = 33  # with code 100: the post does not exist (deleted since it was listed)


# --- Meta usage headers (shared with connections/providers/instagram/insights.py) -----------


def _loads(raw: str | None) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


def meta_usage(response: requests.Response) -> Usage | None:
    """The highest percentage in X-App-Usage and X-Business-Use-Case-Usage (calls, CPU time,
    total time), as a fraction; the reset from `estimated_time_to_regain_access` (minutes)."""
    used, minutes, source = None, 0, ""
    app = _loads(response.headers.get("X-App-Usage"))
    if isinstance(app, dict):
        values = [as_int(app.get(k)) for k in ("call_count", "total_cputime", "total_time")]
        if any(v is not None for v in values):
            used, source = max(v or 0 for v in values), "X-App-Usage"
    buc = _loads(response.headers.get("X-Business-Use-Case-Usage"))
    for entries in buc.values() if isinstance(buc, dict) else ():
        for entry in entries if isinstance(entries, list) else ():
            if not isinstance(entry, dict):
                continue
            values = [as_int(entry.get(k)) for k in ("call_count", "total_cputime", "total_time")]
            top = max((v or 0 for v in values), default=0)
            if used is None or top > used:
                used, source = top, "X-Business-Use-Case-Usage"
            minutes = max(minutes, as_int(entry.get("estimated_time_to_regain_access")) or 0)
    if used is None:
        return None
    reset = timezone.now() + timedelta(minutes=minutes) if minutes > 0 else None
    return Usage(used=min(used, 100) / 100, reset_at=reset, source=source)


def graph_get(provider, token: TokenSet, path: str, params: dict, observe: UsageObserver):
    """GET on the Graph API, reporting the usage headers."""
    url = provider.setting("API_BASE").rstrip("/") + path
    response = provider.http.request("GET", url, bearer=token.access_token, params=params)
    usage = meta_usage(response)
    if usage is not None:
        observe(usage)
    return json_body(response)


def _codes(exc: Rejected) -> tuple[int | None, int | None]:
    code, _, subcode = exc.platform_code.partition("/")
    return as_int(code), as_int(subcode)


def is_invalid_metric(exc: Rejected) -> bool:
    code, subcode = _codes(exc)
    return code == INVALID_METRIC and subcode != MISSING_OBJECT


def is_missing_object(exc: Rejected) -> bool:
    return _codes(exc) == (INVALID_METRIC, MISSING_OBJECT)


def is_no_permission(exc: Rejected) -> bool:
    """Code 10 or 200-299: the token lacks the insights permission (read_insights,
    instagram_business_manage_insights); the metrics are unavailable, not the sync."""
    code, _ = _codes(exc)
    return code == 10 or (code is not None and 200 <= code <= 299)


def read_insights(
    provider,
    token: TokenSet,
    path: str,
    metrics: tuple[str, ...],
    refused: set[str],
    observe: UsageObserver,
    **params: Any,
) -> dict[str, Any]:
    """name -> the insight object, for the metrics Graph answers. A code 100 names no metric:
    the metrics are then asked one by one, and those refused join `refused` (so the rest of
    the page does not ask again). Without the insights permission every metric is refused;
    a post deleted since it was listed has none. Other errors propagate."""
    wanted = [m for m in metrics if m not in refused]
    if not wanted:
        return {}
    try:
        body = graph_get(provider, token, path, {"metric": ",".join(wanted), **params}, observe)
        return _by_name(body)
    except Rejected as exc:
        if is_missing_object(exc):
            return {}
        if is_no_permission(exc):
            refused.update(wanted)
            return {}
        if not is_invalid_metric(exc):
            raise
        named = [m for m in wanted if re.search(rf"\b{re.escape(m)}\b", exc.message)]
        if named:
            refused.update(named)
            return read_insights(provider, token, path, metrics, refused, observe, **params)
    found: dict[str, Any] = {}
    for metric in wanted:
        try:
            body = graph_get(provider, token, path, {"metric": metric, **params}, observe)
        except Rejected as exc:
            if not is_invalid_metric(exc):
                raise
            refused.add(metric)
            continue
        found.update(_by_name(body))
    return found


def _by_name(body: dict) -> dict[str, Any]:
    return {
        str(item.get("name")): item
        for item in body.get("data") or []
        if isinstance(item, dict) and item.get("name")
    }


def lifetime_value(item: dict[str, Any] | None) -> Any:
    values = (item or {}).get("values") or []
    return values[0].get("value") if values and isinstance(values[0], dict) else None


def _parse_time(value: Any) -> datetime | None:
    try:
        return datetime.strptime(str(value), "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        return None


def _summary_count(node: dict, edge: str) -> int | None:
    summary = (node.get(edge) or {}).get("summary") if isinstance(node.get(edge), dict) else None
    return as_int(summary.get("total_count")) if isinstance(summary, dict) else None


def stats_of(node: dict[str, Any], insights: dict[str, Any]) -> PostStats:
    values = {field: as_int(lifetime_value(insights.get(m))) for m, field in INSIGHT_FIELDS.items()}
    likes = _summary_count(node, "reactions")
    if likes is None:
        by_type = lifetime_value(insights.get("post_reactions_by_type_total"))
        if isinstance(by_type, dict):
            likes = sum(as_int(v) or 0 for v in by_type.values())
    shares_node = node.get("shares")
    # Graph leaves `shares` out when nobody shared the post: a real 0 when it was asked for.
    shares = as_int(shares_node.get("count")) if isinstance(shares_node, dict) else 0
    full = stats_values(likes=likes, comments=_summary_count(node, "comments"), shares=shares,
                        **values)  # fmt: skip
    return PostStats(
        post_id=str(node["id"]),
        posted_at=_parse_time(node.get("created_time")),
        permalink=str(node.get("permalink_url") or ""),
        values=full,
        unavailable=tuple(f for f in REPORTED if full[f] is None),
        raw={
            "reactions": _summary_count(node, "reactions"),
            "comments": _summary_count(node, "comments"),
            "shares": shares_node,
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
        provider, token, f"/{account.account_id}/published_posts", params, observe,
        time_field="created_time", metrics=POST_METRICS, stats=stats_of,
    )  # fmt: skip


def graph_post_page(
    provider, token: TokenSet, edge: str, params: dict, observe: UsageObserver, *,
    time_field: str, metrics, stats,
) -> PostPage:  # fmt: skip
    """One page of a Graph listing edge (Page posts, Instagram media) with each item's
    insights. Stops early, keeping what was read, when usage says stop or a rate limit hits
    mid-page; the cursor then resumes at the first unread item."""
    body = graph_get(provider, token, edge, params, observe)
    refused: set[str] = set()
    posts: list[PostStats] = []
    for node in body.get("data") or []:
        if not isinstance(node, dict) or not node.get("id"):
            continue
        resume = cut_cursor(node.get(time_field))
        if posts and observe.stopping and resume:
            return PostPage(posts=tuple(posts), next_cursor=resume)
        try:
            insights = read_insights(
                provider, token, f"/{node['id']}/insights", metrics, refused, observe
            )
        except RateLimited as exc:
            if posts and resume:  # keep what was read; resume at this post
                return PostPage(posts=tuple(posts), next_cursor=resume, stopped_by=exc)
            raise
        posts.append(stats(node, insights))
    return PostPage(posts=tuple(posts), next_cursor=next_after(body))


# --- Paging: Graph's `after` cursors, or a time bound when a page was cut short -------------

UNTIL = "until:"


def window_params(since: datetime, until: datetime, cursor: str | None) -> dict[str, Any]:
    """since/until as unix seconds (until rounded up: a post in the run's last second is
    in), then either `after` (Graph's cursor) or a tighter `until` (a page cut short)."""
    params: dict[str, Any] = {"since": int(since.timestamp()), "until": ceil(until.timestamp())}
    if cursor and cursor.startswith(UNTIL):
        params["until"] = int(cursor.removeprefix(UNTIL))
    elif cursor:
        params["after"] = cursor
    return params


def cut_cursor(created_time: Any) -> str | None:
    """Resume at the first unread post: everything up to its second (one past, as Graph's
    `until` may be exclusive); posts of that same second already read are read again."""
    moment = _parse_time(created_time)
    return f"{UNTIL}{int(moment.timestamp()) + 1}" if moment else None


def next_after(body: dict[str, Any]) -> str | None:
    paging = body.get("paging") or {}
    after = (paging.get("cursors") or {}).get("after") if paging.get("next") else None
    return str(after) if after else None


def day_of(end_time: Any) -> date | None:
    """A `period=day` value's end_time is the end of the day it counts (Pacific midnight, as
    "…T08:00:00+0000" or "…T07:00:00+0000"): the day is the one before."""
    moment = _parse_time(end_time)
    return (moment - timedelta(days=1)).date() if moment else None


def days_from_insights(
    found: dict[str, Any], metrics: tuple[str, ...], since: date, until: date
) -> list[DayStats]:
    """One DayStats per day in [since, until]: each metric's value that day, None (and listed
    as unavailable) where Graph gave none."""
    by_day: dict[date, dict[str, int | None]] = {}
    for name, item in found.items():
        for value in item.get("values") or []:
            day = day_of(value.get("end_time")) if isinstance(value, dict) else None
            if day is not None and since <= day <= until:
                by_day.setdefault(day, {})[name] = as_int(value.get("value"))
    days = []
    day = since
    while day <= until:
        values = {m: by_day.get(day, {}).get(m) for m in metrics}
        missing = tuple(m for m in metrics if values[m] is None)
        days.append(DayStats(day=day, values=values, unavailable=missing))
        day += timedelta(days=1)
    return days


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
        provider, token, f"/{account.account_id}/insights", PAGE_DAY_METRICS, set(), observe,
        period="day", since=int(start.timestamp()), until=int(end.timestamp()),
    )  # fmt: skip
    return days_from_insights(found, PAGE_DAY_METRICS, since, until)
