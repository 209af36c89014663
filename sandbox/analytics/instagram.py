"""Instagram insights in the sandbox (PLATFORMS.md §1.6):

- GET /{ig-media-id}/insights?metric=views,reach,…: `data: [{name, period: "lifetime",
  values: [{value}], title, description, id}]` for each metric seeded in SandboxPost.metrics
  (Instagram's names: views, reach, likes, comments, shares, saved, total_interactions);
  nothing seeded: `data: []`, Instagram's "no data (yet)".
- A removed metric (impressions, plays, clips_replays_count,
  ig_reels_aggregated_all_plays_count, video_views; and any in the env
  SANDBOX_INSTAGRAM_REMOVED_METRICS) is error 100 naming the metric, as Graph does since
  2025-04-21.
- GET /{ig-id}/insights?metric=reach,follower_count&period=day&since&until: the account's
  seeded days (sandbox/analytics/seed.py), one value per day with its `end_time`.
- Needs `instagram_business_manage_insights` (error 10 otherwise). Every answer carries
  X-Business-Use-Case-Usage for the account (type "instagram"): calls to the sandbox's
  Instagram API in the last 24 h against SANDBOX_INSTAGRAM_ACCOUNT_CALLS (default 4800);
  over it, error 80002 with `estimated_time_to_regain_access`.
"""

from __future__ import annotations

import json
import math
import os
from datetime import UTC, datetime, timedelta

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from sandbox import tokens
from sandbox.analytics.seed import account_days
from sandbox.analytics.usage import env_limit, window_usage
from sandbox.common import endpoint, json_response
from sandbox.meta import graph_error, throttle_error
from sandbox.models import SandboxToken
from sandbox.published.models import SandboxPost

P = "instagram"
SCOPE = "instagram_business_manage_insights"
REMOVED = ("impressions", "plays", "clips_replays_count",
           "ig_reels_aggregated_all_plays_count", "video_views")  # fmt: skip
MEDIA_METRICS = {"views", "reach", "likes", "comments", "shares", "saved", "total_interactions",
                 "profile_visits", "follows", "profile_activity"}  # fmt: skip
ACCOUNT_TIME_SERIES = {"reach", "follower_count"}
TITLES = {"saved": "Saved", "total_interactions": "Interactions", "follower_count": "Follows"}
WINDOW = timedelta(hours=24)
METERED = ("ig_insights", "media", "object")


def _removed(metric: str) -> bool:
    extra = os.environ.get("SANDBOX_INSTAGRAM_REMOVED_METRICS", "").split(",")
    return metric in REMOVED or metric in extra


def _item(node_id: str, name: str, period: str, values: list[dict]) -> dict:
    title = TITLES.get(name, name.replace("_", " ").capitalize())
    return {
        "name": name,
        "period": period,
        "values": values,
        "title": title,
        "description": f"{title} ({period})",
        "id": f"{node_id}/insights/{name}/{period}",
    }


def _with_usage(account_id: str, answer) -> HttpResponse:
    """Answer unless the account is over its budget; stamp the BUC header either way."""
    usage = window_usage(
        platform=P, endpoints=METERED, window=WINDOW,
        limit=env_limit("SANDBOX_INSTAGRAM_ACCOUNT_CALLS", 4800),
    )  # fmt: skip
    regain = 0
    if usage.over:
        regain = max(1, math.ceil((usage.reset_at - timezone.now()).total_seconds() / 60))
        response = throttle_error(80002)
    else:
        response = answer()
    entry = {"type": "instagram", "call_count": usage.percent, "total_cputime": usage.percent,
             "total_time": usage.percent, "estimated_time_to_regain_access": regain}  # fmt: skip
    response["X-Business-Use-Case-Usage"] = json.dumps({account_id: [entry]})
    return response


def _metric_names(request: HttpRequest, allowed: set[str]) -> list[str] | HttpResponse:
    names = [m.strip() for m in request.GET.get("metric", "").split(",") if m.strip()]
    if not names:
        return graph_error("(#100) The parameter metric is required", code=100)
    for name in names:
        if _removed(name):
            return graph_error(
                f"(#100) Starting from version v22.0, the {name} metric is no longer "
                "supported for Instagram media and accounts.",
                code=100,
            )
        if name not in allowed:
            return graph_error(f"(#100) metric[0] must be one of the following values: "
                               f"{', '.join(sorted(allowed))}", code=100)  # fmt: skip
    return names


def _media(request: HttpRequest, post: SandboxPost) -> HttpResponse:
    names = _metric_names(request, MEDIA_METRICS)
    if isinstance(names, HttpResponse):
        return names
    seeded = post.metrics or {}
    data = [
        _item(post.post_id, n, "lifetime", [{"value": seeded[n]}]) for n in names if n in seeded
    ]
    return json_response({"data": data})


def _moment(value: str) -> datetime | None:
    return datetime.fromtimestamp(int(value), tz=UTC) if value.isdigit() else None


def _account(request: HttpRequest, account_id: str) -> HttpResponse:
    names = _metric_names(request, ACCOUNT_TIME_SERIES)
    if isinstance(names, HttpResponse):
        return names
    if request.GET.get("period") != "day" or request.GET.get("metric_type") == "total_value":
        return graph_error("(#100) period must be day for a time series", code=100)
    since = _moment(request.GET.get("since", ""))
    until = _moment(request.GET.get("until", ""))
    if since is None or until is None or until - since > timedelta(days=30, seconds=1):
        return graph_error(
            "(#100) The since and until parameters must be no more than 30 days apart", code=100
        )
    series = account_days(P, account_id)
    data = []
    for name in names:
        values = []
        day = since.date()
        while datetime.combine(day, datetime.min.time(), tzinfo=UTC) < until:
            value = (series.get(day.isoformat()) or {}).get(name)
            if value is not None:
                end = (day + timedelta(days=1)).isoformat()
                values.append({"value": value, "end_time": f"{end}T07:00:00+0000"})
            day += timedelta(days=1)
        data.append(_item(account_id, name, "day", values))
    return json_response({"data": data})


def _answer(request: HttpRequest, token: SandboxToken, object_id: str) -> HttpResponse:
    account_id = token.subject
    if SCOPE not in token.scopes:
        return graph_error(
            "(#10) Application does not have permission for this action", code=10, status=403
        )
    if object_id == account_id:
        return _account(request, account_id)
    post = SandboxPost.objects.filter(
        platform=P, account_id=account_id, post_id=object_id, deleted_at__isnull=True
    ).first()
    if post is None:
        return graph_error(
            f"Unsupported get request. Object with ID '{object_id}' does not exist, cannot be "
            "loaded due to missing permissions, or does not support this operation.",
            code=100,
            subcode=33,
        )
    return _media(request, post)


@endpoint(P, "ig_insights")
def insights(request: HttpRequest, object_id: str) -> HttpResponse:
    # A bad token raises TokenError, which `endpoint` renders as Graph's code 190.
    token = tokens.authenticate(request, P, kinds=(SandboxToken.LONG, SandboxToken.ACCESS))
    return _with_usage(token.subject, lambda: _answer(request, token, object_id))
