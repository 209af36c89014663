"""Facebook Page insights in the sandbox (PLATFORMS.md §2.6), metered like every sandbox
Graph call (per-Page budget, X-App-Usage / X-Business-Use-Case-Usage: sandbox/facebook/usage):

- GET /{page-id}/published_posts?fields=&since=&until=&limit=&after=: the Page's posts,
  newest first, cursor-paged (`paging.cursors.after`; `paging.next` only while more remain).
  `reactions.summary(true)` / `comments.summary(true)` carry `summary.total_count`, and
  `shares` is `{"count": n}`, left out when nobody shared (as Graph does).
- GET /{post-id}/insights?metric=a,b: `data: [{name, period: "lifetime", values: [{value}],
  title, description, id}]` for each seeded metric; none seeded: `data: []`.
- GET /{page-id}/insights?metric=a,b&period=day&since=&until=: one value per seeded day,
  `end_time` the end of the day (07:00/08:00 UTC, Pacific midnight).

Numbers come only from SandboxPost.metrics (Graph's metric names, plus "reactions",
"comments" and "shares" for the summaries) and the Page's seeded days (seed.py). Removed
metrics (post_impressions*, page_impressions*, page_fans, and any listed in the env
SANDBOX_FACEBOOK_REMOVED_METRICS) are refused with code 100, like Graph since 2025-11-15.
Insights need `read_insights` (code 10 otherwise).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

from django.http import HttpRequest, HttpResponse

from sandbox import tokens
from sandbox.analytics.seed import account_days
from sandbox.common import endpoint, json_response
from sandbox.facebook import graph, reads
from sandbox.meta import graph_error
from sandbox.published.models import SandboxPost

P = "facebook"
ALWAYS_REMOVED = ("post_impressions", "page_impressions", "page_fans", "post_engaged_users")
TITLES = {
    "post_total_media_view_unique": "Post total media viewers",
    "post_media_view": "Post media views",
    "post_reactions_by_type_total": "Total post reactions by type",
    "post_clicks": "Post clicks",
    "page_media_view": "Page media views",
    "page_total_media_view_unique": "Page total media viewers",
    "page_post_engagements": "Page post engagements",
    "page_follows": "Page follows",
}


def removed(metric: str) -> bool:
    extra = [m for m in os.environ.get("SANDBOX_FACEBOOK_REMOVED_METRICS", "").split(",") if m]
    return metric.startswith(ALWAYS_REMOVED) or metric in extra


def invalid_metric() -> HttpResponse:
    return graph_error("(#100) The value must be a valid insights metric", code=100)


def _edge(name: str, count) -> dict:
    summary = {"total_count": int(count or 0)}
    if name == "reactions":
        summary["viewer_reaction"] = "NONE"
    else:
        summary.update(order="ranked", can_comment=True)
    return {"data": [], "summary": summary}


def post_fields(post: SandboxPost, wanted: list[str]) -> dict:
    node = graph.post_node(post, [f for f in wanted if "." not in f and f != "shares"])
    metrics = post.metrics or {}
    for field in wanted:
        name = field.split(".")[0]
        if name in ("reactions", "comments"):
            node[name] = _edge(name, metrics.get(name))
        elif name == "shares" and int(metrics.get("shares") or 0) > 0:
            node["shares"] = {"count": int(metrics["shares"])}
    return node


def _published_posts(request: HttpRequest, page_id: str) -> HttpResponse:
    return reads.page_listing(
        request, page_id, default_fields="id,created_time,message", render=post_fields
    )


@endpoint(P, "published_posts")
def published_posts(request: HttpRequest, page_id: str) -> HttpResponse:
    return graph.metered(request, page_id, lambda: _published_posts(request, page_id))


def _item(node_id: str, name: str, period: str, values: list[dict]) -> dict:
    return {
        "name": name,
        "period": period,
        "values": values,
        "title": TITLES.get(name, name),
        "description": f"{TITLES.get(name, name)} ({period})",
        "id": f"{node_id}/insights/{name}/{period}",
    }


def _metrics(request: HttpRequest) -> list[str] | None:
    names = [m.strip() for m in request.GET.get("metric", "").split(",") if m.strip()]
    return None if not names or any(removed(m) for m in names) else names


def _post_insights(request: HttpRequest, post_id: str) -> HttpResponse:
    token = tokens.authenticate(request, P)
    post = SandboxPost.objects.filter(platform=P, post_id=post_id, deleted_at__isnull=True).first()
    if post is None or not reads.can_read(token, post.account_id):
        return graph_error(
            f"Unsupported get request. Object with ID '{post_id}' does not exist, cannot be "
            "loaded due to missing permissions, or does not support this operation.",
            code=100,
            subcode=33,
        )
    if "read_insights" not in token.scopes:
        return graph_error("(#10) Requires read_insights permission", code=10, status=403)
    names = _metrics(request)
    if names is None:
        return invalid_metric()
    seeded = post.metrics or {}
    data = [
        _item(post_id, name, "lifetime", [{"value": seeded[name]}])
        for name in names
        if name in seeded
    ]
    return json_response({"data": data})


def _page_insights(request: HttpRequest, page_id: str) -> HttpResponse:
    token = tokens.authenticate(request, P)
    if not reads.can_read(token, page_id):
        return graph.permission_error()
    if "read_insights" not in token.scopes:
        return graph_error("(#10) Requires read_insights permission", code=10, status=403)
    names = _metrics(request)
    if names is None or request.GET.get("period", "day") != "day":
        return invalid_metric()
    since = reads.moment(request.GET.get("since", ""))
    until = reads.moment(request.GET.get("until", ""))
    if since is None or until is None or until - since > timedelta(days=93):
        return graph_error("(#100) The since and until range is at most 93 days", code=100)
    series = account_days(P, page_id)
    data = []
    for name in names:
        values = []
        day = since.date()
        while datetime.combine(day, datetime.min.time(), tzinfo=UTC) < until:
            value = (series.get(day.isoformat()) or {}).get(name)
            if value is not None:
                end = (day + timedelta(days=1)).isoformat()
                values.append({"value": value, "end_time": f"{end}T08:00:00+0000"})
            day += timedelta(days=1)
        if values:
            data.append(_item(page_id, name, "day", values))
    return json_response({"data": data})


@endpoint(P, "insights")
def insights(request: HttpRequest, node_id: str) -> HttpResponse:
    """Post ids are {page}_{post}; anything else is a Page."""
    page_id = node_id.partition("_")[0]
    if "_" in node_id:
        return graph.metered(request, page_id, lambda: _post_insights(request, node_id))
    return graph.metered(request, page_id, lambda: _page_insights(request, node_id))
