"""Google Business Profile metrics (PLATFORMS.md §5.4), for one location:

- GET {v4}/accounts/{a}/locations/{l}/localPosts?pageSize=100&pageToken (newest first; no
  time filter, so the walk stops at the first post older than the window), then per page
  POST …/localPosts:reportInsights {localPostNames, basicRequest: {metricRequests,
  timeRange}}: LOCAL_POST_VIEWS_SEARCH (views) and LOCAL_POST_ACTIONS_CALL_TO_ACTION
  (clicks). Best effort: Google is moving v4 insights to the Performance API, so when the
  call is refused the page's posts keep those metrics unavailable and the sync goes on.
  https://developers.google.com/my-business/reference/rest/v4/accounts.locations.localPosts/reportInsights
- GET {performance}/locations/{l}:fetchMultiDailyMetricsTimeSeries?dailyMetrics=…
  &dailyRange.start_date.year=… for the location's days. A datedValue without `value` is 0
  (proto3 leaves zero out); a day Google does not list at all is unavailable.
  https://developers.google.com/my-business/reference/performance/rest/v1/locations/fetchMultiDailyMetricsTimeSeries

No usage headers: a 429 RESOURCE_EXHAUSTED stops the run until the next minute.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
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
from connections.providers.base import Rejected, TokenSet
from connections.providers.google_business.errors import raise_for_location_response
from connections.providers.http import Http, json_body

PAGE_SIZE = 100
ACCOUNT_DAILY = True
POST_METRICS = {
    "LOCAL_POST_VIEWS_SEARCH": "views",
    "LOCAL_POST_ACTIONS_CALL_TO_ACTION": "clicks",
}
REPORTED = ("views", "clicks")
DAILY_METRICS = (
    "BUSINESS_IMPRESSIONS_DESKTOP_MAPS",
    "BUSINESS_IMPRESSIONS_DESKTOP_SEARCH",
    "BUSINESS_IMPRESSIONS_MOBILE_MAPS",
    "BUSINESS_IMPRESSIONS_MOBILE_SEARCH",
    "WEBSITE_CLICKS",
    "CALL_CLICKS",
    "BUSINESS_DIRECTION_REQUESTS",
)


def _v4(provider, path: str) -> str:
    return f"{provider.setting('API_BASE').rstrip('/')}/{path.lstrip('/')}"


def _location_http(provider) -> Http:
    # Calls on one location: a 403 means access to the location was lost (errors.py).
    return Http(provider.slug, raise_for_location_response)


def _time(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def _rfc3339(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def report_insights(
    provider, token: TokenSet, location: str, names: list[str], since: datetime, until: datetime
) -> dict[str, dict[str, int | None]] | None:
    """name -> {metric: value} for the posts Google reports on; None when Google refused
    the call (v4 insights being retired), which leaves the metrics unavailable."""
    body = {
        "localPostNames": names,
        "basicRequest": {
            "metricRequests": [{"metric": m} for m in POST_METRICS],
            "timeRange": {"startTime": _rfc3339(since), "endTime": _rfc3339(until)},
        },
    }
    try:
        # The generic mapping: a 403 here is this call refused, not the location lost.
        response = provider.http.request(
            "POST", _v4(provider, f"{location}/localPosts:reportInsights"),
            bearer=token.access_token, json=body,
        )  # fmt: skip
    except Rejected:
        return None
    found: dict[str, dict[str, int | None]] = {}
    for entry in json_body(response).get("localPostMetrics") or []:
        values = {}
        for metric in entry.get("metricValues") or []:
            total = metric.get("totalValue") or {}
            # int64 as a string, left out when zero (proto3).
            values[str(metric.get("metric"))] = as_int(total.get("value", 0))
        found[str(entry.get("localPostName"))] = values
    return found


def _stats(post: dict[str, Any], reported: dict[str, int | None] | None) -> PostStats:
    reported = reported or {}
    values = stats_values(**{field: reported.get(m) for m, field in POST_METRICS.items()})
    return PostStats(
        post_id=str(post["name"]),
        posted_at=_time(post.get("createTime")),
        permalink=str(post.get("searchUrl") or ""),
        values=values,
        unavailable=tuple(f for f in REPORTED if values[f] is None),
        raw={
            "state": post.get("state"),
            "topicType": post.get("topicType"),
            "metrics": reported,
        },  # fmt: skip
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
    params: dict[str, Any] = {"pageSize": PAGE_SIZE}
    if cursor:
        params["pageToken"] = cursor
    body = json_body(
        _location_http(provider).request(
            "GET", _v4(provider, f"{account.account_id}/localPosts"),
            bearer=token.access_token, params=params,
        )
    )  # fmt: skip
    listed = [p for p in body.get("localPosts") or [] if isinstance(p, dict) and p.get("name")]
    in_window, older = [], False
    for post in listed:
        created = _time(post.get("createTime"))
        if created is not None and created < since:
            older = True  # newest first: the rest is older still
            break
        if created is None or created <= until:
            in_window.append(post)
    reported = (
        report_insights(
            provider, token, account.account_id, [p["name"] for p in in_window], since, until
        )
        if in_window
        else {}
    )
    posts = tuple(_stats(p, (reported or {}).get(p["name"])) for p in in_window)
    next_token = body.get("nextPageToken")
    done = older or not next_token
    return PostPage(posts=posts, next_cursor=None if done else str(next_token))


def _date_params(prefix: str, day: date) -> dict[str, int]:
    return {f"{prefix}.year": day.year, f"{prefix}.month": day.month, f"{prefix}.day": day.day}


def account_days(
    provider,
    token: TokenSet,
    *,
    account: InsightsAccount,
    since: date,
    until: date,
    observe: UsageObserver,
) -> list[DayStats]:
    location = "locations/" + account.account_id.rsplit("locations/", 1)[-1]
    base = provider.setting("PERFORMANCE_API_BASE").rstrip("/")
    params: list[tuple[str, Any]] = [("dailyMetrics", m) for m in DAILY_METRICS]
    params += list(_date_params("dailyRange.start_date", since).items())
    params += list(_date_params("dailyRange.end_date", until).items())
    body = json_body(
        _location_http(provider).request(
            "GET", f"{base}/{location}:fetchMultiDailyMetricsTimeSeries",
            bearer=token.access_token, params=params,
        )
    )  # fmt: skip
    by_day: dict[date, dict[str, int | None]] = {}
    for multi in body.get("multiDailyMetricTimeSeries") or []:
        for series in multi.get("dailyMetricTimeSeries") or []:
            metric = str(series.get("dailyMetric"))
            for dated in (series.get("timeSeries") or {}).get("datedValues") or []:
                d = dated.get("date") or {}
                try:
                    day = date(int(d["year"]), int(d["month"]), int(d["day"]))
                except (KeyError, TypeError, ValueError):
                    continue
                by_day.setdefault(day, {})[metric] = as_int(dated.get("value", 0))
    days = []
    day = since
    while day <= until:
        values = {m: by_day.get(day, {}).get(m) for m in DAILY_METRICS}
        missing = tuple(m for m in DAILY_METRICS if values[m] is None)
        days.append(DayStats(day=day, values=values, unavailable=missing))
        day += timedelta(days=1)
    return days
