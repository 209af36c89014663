"""Sandbox Graph reads that publishing uses to check its work (PLATFORMS.md §2.2):

- GET /{page-id}/feed?fields=&since=&until=&limit=&after=: the Page's posts, newest first,
  cursor-paged (`paging.cursors.after`, and `paging.next` only while more remain).
- GET /{node-id}?fields=: a post ({page-id}_{post-id}: id, message, created_time,
  permalink_url) or a photo (id, created_time, link, name, published, page_story_id).
Deleted posts are gone from both. Every answer carries the usage headers (usage.py).
"""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse
from django.utils.dateparse import parse_datetime

from sandbox import tokens
from sandbox.common import endpoint, json_response
from sandbox.facebook import graph
from sandbox.meta import graph_error
from sandbox.models import SandboxToken
from sandbox.published.models import SandboxMedia, SandboxPost

P = "facebook"
DEFAULT_FIELDS = "id,message,created_time"


def moment(value: str) -> datetime | None:
    """Graph's `since`/`until`: a unix timestamp or a date-time string."""
    if not value:
        return None
    if value.isdigit():
        return datetime.fromtimestamp(int(value), tz=UTC)
    moment = parse_datetime(value)
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def _cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(str(pk).encode()).decode().rstrip("=")


def _uncursor(value: str) -> int | None:
    try:
        decoded = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return int(decoded) if decoded.isdigit() else None


def can_read(token: SandboxToken, page_id: str) -> bool:
    if token.kind == SandboxToken.PAGE:
        return token.account_id == page_id
    return "pages_read_engagement" in token.scopes


def page_listing(
    request: HttpRequest, page_id: str, *, default_fields: str, render
) -> HttpResponse:
    """A Page's posts, newest first: the shape of every Page listing edge (/feed,
    /published_posts) — `since`/`until`, `limit`, cursor paging with `paging.next` only while
    more remain. `render(post, wanted_fields)` makes each node."""
    if not can_read(tokens.authenticate(request, P), page_id):
        return graph.permission_error()
    try:
        limit = min(max(int(request.GET.get("limit") or 25), 1), 100)
    except ValueError:
        return graph_error("(#100) limit must be an integer", code=100)
    posts = SandboxPost.objects.filter(
        platform=P, account_id=page_id, deleted_at__isnull=True
    ).order_by("-id")
    since, until = moment(request.GET.get("since", "")), moment(request.GET.get("until", ""))
    if since is not None:
        posts = posts.filter(created_at__gte=since)
    if until is not None:
        posts = posts.filter(created_at__lte=until)
    after = _uncursor(request.GET.get("after", ""))
    if after is not None:
        posts = posts.filter(id__lt=after)
    page = list(posts[: limit + 1])
    wanted = graph.fields(request, default_fields)
    body: dict = {"data": [render(post, wanted) for post in page[:limit]]}
    if page:
        shown = page[:limit]
        body["paging"] = {
            "cursors": {"before": _cursor(shown[0].pk), "after": _cursor(shown[-1].pk)}
        }
        if len(page) > limit:
            query = request.GET.copy()
            query["after"] = _cursor(shown[-1].pk)
            body["paging"]["next"] = request.build_absolute_uri(
                f"{request.path}?{query.urlencode()}"
            )
    return json_response(body)


def _feed(request: HttpRequest, page_id: str) -> HttpResponse:
    return page_listing(request, page_id, default_fields=DEFAULT_FIELDS, render=graph.post_node)


@endpoint(P, "feed_list")
def feed_list(request: HttpRequest, page_id: str) -> HttpResponse:
    return graph.metered(request, page_id, lambda: _feed(request, page_id))


def _missing(node_id: str) -> HttpResponse:
    return graph_error(
        f"Unsupported get request. Object with ID '{node_id}' does not exist, cannot be loaded "
        "due to missing permissions, or does not support this operation.",
        code=100,
        subcode=33,
    )


def _node(request: HttpRequest, node_id: str) -> HttpResponse:
    token = tokens.authenticate(request, P)
    wanted = graph.fields(request, DEFAULT_FIELDS)
    post = SandboxPost.objects.filter(platform=P, post_id=node_id, deleted_at__isnull=True).first()
    if post is not None and can_read(token, post.account_id):
        return json_response(graph.post_node(post, wanted))
    photo = SandboxMedia.objects.filter(platform=P, media_id=node_id).first()
    if photo is not None and can_read(token, photo.account_id):
        return json_response(graph.photo_node(photo, wanted or ["id"]))
    return _missing(node_id)


@endpoint(P, "node")
def node(request: HttpRequest, node_id: str) -> HttpResponse:
    # Post ids name their Page ({page}_{post}); a photo's Page is looked up.
    owner = node_id.partition("_")[0] if "_" in node_id else ""
    if not owner:
        owner = (
            SandboxMedia.objects.filter(platform=P, media_id=node_id)
            .values_list("account_id", flat=True)
            .first()
            or ""
        )
    return graph.metered(request, owner, lambda: _node(request, node_id))
