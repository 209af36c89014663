"""X publishing, faithfully enough to test against (PLATFORMS.md §4.2-4.4):

- POST /2/tweets {"text", "media": {"media_ids"}, "reply": {"in_reply_to_tweet_id"}}
  -> 201 {"data": {"id", "text"}}; the same text again from the same user -> 403 duplicate.
- Per-user rate limit on POST /2/tweets (SANDBOX_X_TWEETS_PER_WINDOW per 15 min), with
  x-rate-limit-limit/remaining/reset on every answer and a 429 problem object when exceeded.
- POST /2/media/upload (multipart `media`, `media_category`) -> {"data": {"id", "media_key",
  "size", "expires_after_secs", "image": {...}}}.
- GET /2/tweets/{id}, GET /2/users/{id}/tweets (recent posts, newest first) for read-back.
- Text in answers as X shows it: links as t.co, media link appended, HTML-escaped
  (sandbox/x/display.py); `entities.urls` with tweet.fields=entities.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET, require_POST

from sandbox import tokens
from sandbox.common import endpoint, json_response
from sandbox.published.models import SandboxMedia, SandboxPost
from sandbox.x import display
from sandbox.x.errors import problem
from sandbox.x.text_weight import MAX_WEIGHTED, weighted_length

P = "x"
WINDOW = timedelta(minutes=15)
DAY = timedelta(hours=24)


def _limit() -> int:
    return int(os.environ.get("SANDBOX_X_TWEETS_PER_WINDOW", "100"))


def _daily_limit() -> int | None:
    # The x-user-limit-24hour-* headers come on some access tiers only: off unless set.
    value = os.environ.get("SANDBOX_X_TWEETS_PER_DAY", "")
    return int(value) if value else None


def _new_id() -> str:
    # Snowflake-like: time-ordered numeric strings.
    return str(int(time.time() * 1000) << 22 | secrets.randbits(22))


def _window(account_id: str, window: timedelta, limit: int, prefix: str):
    """One rate-limit window's headers (this call counted) and whether it is exhausted."""
    now = timezone.now()
    recent = SandboxPost.objects.filter(
        platform=P, account_id=account_id, created_at__gt=now - window
    )
    used = recent.count()
    oldest = recent.order_by("id").values_list("created_at", flat=True).first()
    over = used >= limit
    headers = {
        f"{prefix}-limit": str(limit),
        f"{prefix}-remaining": "0" if over else str(max(limit - used - 1, 0)),
        f"{prefix}-reset": str(int(((oldest or now) + window).timestamp())),
    }
    return headers, over


def _rate_headers(account_id: str) -> tuple[dict[str, str], bool]:
    """Headers for this user's windows, and whether the call is over a limit: the endpoint's
    15-minute window, and the 24-hour user window where the tier has one
    (https://docs.x.com/fundamentals/rate-limits)."""
    headers, over = _window(account_id, WINDOW, _limit(), "x-rate-limit")
    daily = _daily_limit()
    if daily is not None:
        day_headers, day_over = _window(account_id, DAY, daily, "x-user-limit-24hour")
        headers.update(day_headers)
        over = over or day_over
    return headers, over


@endpoint(P, "tweets_create", scope="publish")
@require_POST
def tweets_create(request: HttpRequest) -> HttpResponse:
    token = tokens.authenticate(request, P)
    if "tweet.write" not in token.scopes:
        return problem(403, "Forbidden", "You are not permitted to perform this action.")
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return problem(400, "Invalid Request", "The request body is not valid JSON.")
    author = token.subject
    headers, over = _rate_headers(author)
    if over:
        response = problem(
            429, "Too Many Requests", "Too Many Requests",
            "https://api.twitter.com/2/problems/rate-limit-exceeded",
        )  # fmt: skip
        for key, value in headers.items():
            response[key] = value
        return response
    text = str(body.get("text") or "")
    media_ids = [str(m) for m in (body.get("media") or {}).get("media_ids", [])]
    reply_to = str((body.get("reply") or {}).get("in_reply_to_tweet_id") or "")
    if not text and not media_ids:
        return problem(
            400, "Invalid Request", "One or more parameters to your request was invalid."
        )
    if weighted_length(text) > MAX_WEIGHTED:
        return problem(400, "Invalid Request", "Your Tweet text is too long.")
    if len(media_ids) > 4:
        return problem(400, "Invalid Request", "Your media IDs are invalid: maximum of 4 items.")
    known = set(
        SandboxMedia.objects.filter(platform=P, media_id__in=media_ids).values_list(
            "media_id", flat=True
        )
    )
    if set(media_ids) - known:
        return problem(400, "Invalid Request", "Your media IDs are invalid.")
    if reply_to and not SandboxPost.objects.filter(platform=P, post_id=reply_to).exists():
        return problem(400, "Invalid Request", "The Tweet you are replying to does not exist.")
    if text and SandboxPost.objects.filter(platform=P, account_id=author, text=text).exists():
        return problem(
            403, "Forbidden", "You are not allowed to create a Tweet with duplicate content."
        )
    post = SandboxPost.objects.create(
        platform=P,
        account_id=author,
        post_id=_new_id(),
        text=text,
        reply_to=reply_to,
        media_ids=media_ids,
        payload=body,
    )
    shown, _ = display.render(post)
    response = json_response({"data": {"id": post.post_id, "text": shown}}, 201)
    for key, value in headers.items():
        response[key] = value
    return response


def _tweet(post: SandboxPost, fields: set[str]) -> dict:
    shown, urls = display.render(post)
    data = {
        "id": post.post_id,
        "text": shown,
        "author_id": post.account_id,
        "created_at": post.created_at.isoformat().replace("+00:00", "Z"),
    }
    if post.reply_to:
        data["referenced_tweets"] = [{"type": "replied_to", "id": post.reply_to}]
    if "entities" in fields and urls:
        data["entities"] = {"urls": urls}
    return data


def _fields(request: HttpRequest) -> set[str]:
    return set(filter(None, request.GET.get("tweet.fields", "").split(",")))


@endpoint(P, "tweets_lookup")
@require_GET
def tweet_lookup(request: HttpRequest, tweet_id: str) -> HttpResponse:
    tokens.authenticate(request, P)
    post = SandboxPost.objects.filter(platform=P, post_id=tweet_id).first()
    if post is None:
        return json_response(
            {
                "errors": [
                    {
                        "title": "Not Found Error",
                        "detail": f"Could not find tweet with id: [{tweet_id}].",
                    }
                ]
            }
        )  # X answers 200 with an errors array for a missing id
    return json_response({"data": _tweet(post, _fields(request))})


@endpoint(P, "user_tweets")
@require_GET
def user_tweets(request: HttpRequest, user_id: str) -> HttpResponse:
    """GET /2/users/:id/tweets: newest first, `start_time` (RFC 3339) and `max_results`
    (5-100), paginated by `meta.next_token` / `pagination_token`."""
    tokens.authenticate(request, P)
    limit = min(max(int(request.GET.get("max_results", "10") or 10), 5), 100)
    posts = SandboxPost.objects.filter(platform=P, account_id=user_id).order_by("-id")
    start_time = parse_datetime(request.GET.get("start_time", "") or "")
    if start_time is not None:
        posts = posts.filter(created_at__gte=start_time)
    page_token = request.GET.get("pagination_token", "")
    if page_token.isdigit():
        posts = posts.filter(id__lt=int(page_token))
    page = list(posts[: limit + 1])
    fields = _fields(request)
    data = [_tweet(post, fields) for post in page[:limit]]
    meta: dict = {"result_count": len(data)}
    if len(page) > limit:
        meta["next_token"] = str(page[limit - 1].pk)
    return json_response({"data": data, "meta": meta})


@endpoint(P, "media_upload", scope="publish")
@require_POST
def media_upload(request: HttpRequest) -> HttpResponse:
    token = tokens.authenticate(request, P)
    if "media.write" not in token.scopes:
        return problem(403, "Forbidden", "You are not permitted to perform this action.")
    upload = request.FILES.get("media")
    if upload is None:
        return problem(400, "Invalid Request", "media is required.")
    category = request.POST.get("media_category", "tweet_image")
    mime = upload.content_type or "application/octet-stream"
    if category == "tweet_image" and not mime.startswith("image/"):
        return problem(400, "Invalid Request", "media type unrecognized.")
    media = SandboxMedia.objects.create(
        platform=P,
        account_id=token.subject,
        media_id=_new_id(),
        mime=mime,
        size_bytes=upload.size,
    )
    return json_response(
        {
            "data": {
                "id": media.media_id,
                "media_key": f"3_{media.media_id}",
                "size": upload.size,
                "expires_after_secs": 86400,
                "image": {"image_type": mime},
            }
        }
    )
