"""Google Business Profile metrics in the sandbox (PLATFORMS.md §5.4):

- POST mybusiness/v4/accounts/{a}/locations/{l}/localPosts:reportInsights
  {localPostNames, basicRequest: {metricRequests: [{metric}], timeRange}}: one
  `localPostMetrics` entry per requested post of the location, whose `metricValues` hold the
  metrics seeded in SandboxPost.metrics (LOCAL_POST_VIEWS_SEARCH,
  LOCAL_POST_ACTIONS_CALL_TO_ACTION) as AGGREGATED_TOTAL int64 strings, zero left out (proto3).
  Metered with the other v4 calls (SANDBOX_GOOGLE_V4_QPM). With the env
  SANDBOX_GOOGLE_REPORT_INSIGHTS_RETIRED=true it answers 404, as a retired v4 method would.
- GET performance/v1/locations/{l}:fetchMultiDailyMetricsTimeSeries?dailyMetrics=…
  &dailyRange.start_date.year=…: the location's seeded days (sandbox/analytics/seed.py);
  dates without a seed are left out (the sandbox invents no zeros), and a seeded 0 is a
  datedValue without `value`. Per-minute quota SANDBOX_GOOGLE_PERFORMANCE_QPM (300).
"""

from __future__ import annotations

import json
import os
from datetime import date, timedelta

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET, require_POST

from sandbox import tokens
from sandbox.analytics.seed import account_days
from sandbox.analytics.usage import env_limit, window_usage
from sandbox.common import endpoint, json_response
from sandbox.google_business import errors
from sandbox.google_business.publish import SCOPE, local_posts_of, location_check
from sandbox.identities import GOOGLE_ACCOUNT, GOOGLE_LOCATIONS

P = "google_business"
POST_METRICS = ("LOCAL_POST_VIEWS_SEARCH", "LOCAL_POST_ACTIONS_CALL_TO_ACTION")
DAILY_METRICS = (
    "BUSINESS_IMPRESSIONS_DESKTOP_MAPS", "BUSINESS_IMPRESSIONS_DESKTOP_SEARCH",
    "BUSINESS_IMPRESSIONS_MOBILE_MAPS", "BUSINESS_IMPRESSIONS_MOBILE_SEARCH",
    "BUSINESS_CONVERSATIONS", "BUSINESS_DIRECTION_REQUESTS", "CALL_CLICKS", "WEBSITE_CLICKS",
    "BUSINESS_BOOKINGS", "BUSINESS_FOOD_ORDERS", "BUSINESS_FOOD_MENU_CLICKS",
)  # fmt: skip


def _metric_value(metric: str, value, time_range: dict) -> dict:
    total = {"metricOption": "AGGREGATED_TOTAL", "timeDimension": {"timeRange": time_range}}
    if int(value):
        total["value"] = str(int(value))
    return {"metric": metric, "totalValue": total}


@endpoint(P, "v4_report_insights")
@require_POST
def report_insights(request: HttpRequest, account: str, location: str) -> HttpResponse:
    problem = location_check(request, account, location)
    if problem is not None:
        return problem
    if os.environ.get("SANDBOX_GOOGLE_REPORT_INSIGHTS_RETIRED", "").lower() == "true":
        return errors.rpc_error(404, "Method not found.", "NOT_FOUND")
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return errors.invalid_argument("the body is not valid JSON.")
    names = body.get("localPostNames") if isinstance(body, dict) else None
    basic = (body.get("basicRequest") or {}) if isinstance(body, dict) else {}
    if not isinstance(names, list) or not names:
        return errors.invalid_argument("local_post_names is required.")
    wanted = [str(m.get("metric")) for m in basic.get("metricRequests") or []]
    if not wanted or any(m not in (*POST_METRICS, "ALL") for m in wanted):
        return errors.invalid_argument("metric_requests must name local post metrics.")
    if "ALL" in wanted:
        wanted = list(POST_METRICS)
    parent = f"accounts/{account}/locations/{location}"
    if any(not str(n).startswith(f"{parent}/localPosts/") for n in names):
        return errors.invalid_argument("all posts must belong to the location.")
    posts = {p.post_id: p for p in local_posts_of(parent).filter(post_id__in=names)}
    time_range = basic.get("timeRange") or {}
    entries = []
    for name in names:
        post = posts.get(name)
        if post is None:
            continue
        seeded = post.metrics or {}
        entries.append({
            "localPostName": name,
            "metricValues": [_metric_value(m, seeded[m], time_range) for m in wanted
                             if m in seeded],
        })  # fmt: skip
    return json_response({"name": parent, "localPostMetrics": entries, "timeZone": "Europe/London"})


def _day(request: HttpRequest, prefix: str) -> date | None:
    try:
        return date(*(int(request.GET[f"{prefix}.{part}"]) for part in ("year", "month", "day")))
    except (KeyError, ValueError):
        return None


@endpoint(P, "performance_daily")
@require_GET
def daily_metrics(request: HttpRequest, location: str) -> HttpResponse:
    token = tokens.authenticate(request, P)
    if SCOPE not in token.scopes:
        return errors.rpc_error(
            403, "Request had insufficient authentication scopes.", "PERMISSION_DENIED"
        )
    usage = window_usage(
        platform=P, endpoints=("performance_daily",), window=timedelta(minutes=1),
        limit=env_limit("SANDBOX_GOOGLE_PERFORMANCE_QPM", 300),
    )  # fmt: skip
    if usage.over:
        return errors.quota_exceeded()
    if f"locations/{location}" not in {loc["name"] for loc in GOOGLE_LOCATIONS}:
        return errors.permission_denied()
    metrics = request.GET.getlist("dailyMetrics")
    if not metrics or any(m not in DAILY_METRICS for m in metrics):
        return errors.invalid_argument("daily_metrics must name DailyMetric values.")
    start, end = _day(request, "dailyRange.start_date"), _day(request, "dailyRange.end_date")
    if start is None or end is None or end < start:
        return errors.invalid_argument("daily_range is invalid.")
    series = account_days(P, f"{GOOGLE_ACCOUNT['name']}/locations/{location}")
    out = []
    for metric in metrics:
        dated = []
        day = start
        while day <= end:
            value = (series.get(day.isoformat()) or {}).get(metric)
            if value is not None:
                point: dict = {"date": {"year": day.year, "month": day.month, "day": day.day}}
                if int(value):
                    point["value"] = str(int(value))
                dated.append(point)
            day += timedelta(days=1)
        out.append({"dailyMetric": metric, "timeSeries": {"datedValues": dated}})
    return json_response({"multiDailyMetricTimeSeries": [{"dailyMetricTimeSeries": out}]})
