"""Facebook Page publishing with the Page token (PLATFORMS.md §2.2):

- text and link posts: POST /{page-id}/feed {message, link};
- one photo: POST /{page-id}/photos {url, message} -> {id, post_id};
- several photos: each POST /{page-id}/photos {url, published: false} -> {id}, then
  POST /{page-id}/feed {message, attached_media: [{media_fbid}], published: true};
- permalink by read-after-write (`fields=id,permalink_url` on the POST), else
  GET /{post-id}?fields=permalink_url.
https://developers.facebook.com/docs/pages-api/posts

Resumable: each unpublished photo id is checkpointed as soon as Facebook answers (`photo_ids`,
in media order), so a retry uploads only what is missing; `pending_since` is checkpointed
*before* the POST that creates the post, and `post_id` right after it. A post whose answer was
lost is looked up among the Page's recent posts with the same message before anything is sent
again.

Video posts (one video, no photos) take their own flow: connections/providers/facebook/video.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import structlog

from connections.providers import base as pb
from connections.providers.facebook import video
from connections.providers.http import json_body

log = structlog.get_logger(__name__)

MAX_PAGES = 10  # of 100 posts each, when looking for a post among the Page's recent ones
CLOCK_SKEW = timedelta(minutes=2)
FEED_FIELDS = "id,message,created_time,permalink_url"


def _api(provider, path: str) -> str:
    return provider.setting("API_BASE").rstrip("/") + path


def _images(content: pb.PostContent) -> list[pb.MediaItem]:
    images = [m for m in content.media if m.mime.startswith("image/")]
    if len(images) != len(content.media):
        raise pb.Rejected("Facebook: only photos or one video can be published")
    return images


def _message(content: pb.PostContent) -> str:
    """The post's text. A post with photos cannot carry a link preview as well, so the link
    goes into the text there (Facebook makes it clickable)."""
    if content.media and content.link and content.link not in content.text:
        return f"{content.text}\n{content.link}".strip()
    return content.text


def _since_marker() -> str:
    return (datetime.now(UTC) - CLOCK_SKEW).strftime("%Y-%m-%dT%H:%M:%SZ")


def _created(value: Any) -> datetime | None:
    try:
        return datetime.strptime(str(value), "%Y-%m-%dT%H:%M:%S%z")  # "2025-01-31T12:00:00+0000"
    except ValueError:
        return None


def describe_post(
    provider, token: pb.TokenSet, *, account_id: str, post_id: str
) -> pb.PublishResult:
    response = provider.http.request(
        "GET", _api(provider, f"/{post_id}"), bearer=token.access_token,
        params={"fields": "id,permalink_url,created_time"},
    )  # fmt: skip
    body = json_body(response)
    return pb.PublishResult(
        platform_post_id=post_id,
        permalink=str(body.get("permalink_url") or ""),
        published_at=_created(body.get("created_time")),
    )


def _posted(provider, token: pb.TokenSet, account_id: str, post_id: str, **extra: Any):
    """The result for a post that exists. Its permalink is a second read; if that read fails
    the post is still published, so answer without the permalink rather than fail."""
    try:
        found = describe_post(provider, token, account_id=account_id, post_id=post_id)
    except (pb.Transient, pb.Unknown, pb.RateLimited, pb.Rejected) as error:
        log.warning("facebook_permalink_unavailable", reason=error.code)
        return pb.PublishResult(platform_post_id=post_id, extra=extra)
    return pb.PublishResult(
        platform_post_id=post_id,
        permalink=found.permalink,
        published_at=found.published_at,
        extra=extra,
    )


def _upload_unpublished(
    provider, token: pb.TokenSet, account_id: str, images, saved, checkpoint
) -> list[str]:
    photo_ids: list[str] = [str(i) for i in saved.get("photo_ids") or []][: len(images)]
    for item in images[len(photo_ids) :]:
        response = provider.http.request(
            "POST", _api(provider, f"/{account_id}/photos"), bearer=token.access_token,
            json={"url": item.url, "published": False},
        )  # fmt: skip
        photo_id = str(json_body(response).get("id") or "")
        if not photo_id:
            raise pb.Transient("Facebook: photo upload answered without an id")
        photo_ids.append(photo_id)
        checkpoint(photo_ids=list(photo_ids))
    return photo_ids


def _publish_photo(
    provider, token: pb.TokenSet, account_id: str, image: pb.MediaItem, message: str, checkpoint
) -> pb.PublishResult:
    checkpoint(pending_since=_since_marker())
    response = provider.http.request(
        "POST", _api(provider, f"/{account_id}/photos"), bearer=token.access_token,
        json={"url": image.url, "message": message, "published": True},
    )  # fmt: skip
    body = json_body(response)
    post_id, photo_id = str(body.get("post_id") or ""), str(body.get("id") or "")
    if not post_id:
        raise pb.Unknown("Facebook: photo published without a post id")
    checkpoint(post_id=post_id, photo_ids=[photo_id])
    return _posted(provider, token, account_id, post_id, kind="photo", photo_ids=[photo_id])


def publish(
    provider,
    token: pb.TokenSet,
    *,
    account_id: str,
    content: pb.PostContent,
    saved: dict[str, Any],
    checkpoint: pb.Checkpoint,
) -> pb.PublishResult:
    if video.is_video_post(content):
        return video.publish(
            provider, token, account_id=account_id, content=content, saved=saved,
            checkpoint=checkpoint,
        )  # fmt: skip
    images = _images(content)
    if saved.get("post_id"):
        # An earlier attempt created the post and failed after it: never post again.
        return _posted(provider, token, account_id, str(saved["post_id"]))
    message = _message(content)
    if saved.get("pending_since"):
        # An earlier attempt sent the post and never heard back: look before sending.
        found = _find_recent(provider, token, account_id, message, saved["pending_since"])
        if found is not None:
            checkpoint(post_id=found.platform_post_id)
            return found
    if len(images) == 1:
        return _publish_photo(provider, token, account_id, images[0], message, checkpoint)
    photo_ids = _upload_unpublished(provider, token, account_id, images, saved, checkpoint)
    body: dict[str, Any] = {"message": message, "published": True}
    if photo_ids:
        body["attached_media"] = [{"media_fbid": photo_id} for photo_id in photo_ids]
    elif content.link:
        body["link"] = content.link
    kind = "album" if photo_ids else ("link" if content.link else "status")
    checkpoint(pending_since=_since_marker())
    response = provider.http.request(
        "POST", _api(provider, f"/{account_id}/feed"), bearer=token.access_token,
        params={"fields": "id,permalink_url"}, json=body,
    )  # fmt: skip
    answer = json_body(response)
    post_id = str(answer.get("id") or "")
    if not post_id:
        raise pb.Unknown("Facebook: 2xx without a post id")
    checkpoint(post_id=post_id)
    extra = {"kind": kind, "photo_ids": photo_ids}
    if answer.get("permalink_url"):
        return pb.PublishResult(
            platform_post_id=post_id, permalink=str(answer["permalink_url"]), extra=extra
        )
    return _posted(provider, token, account_id, post_id, **extra)


def _recent(provider, token: pb.TokenSet, account_id: str, since: datetime) -> list[dict[str, Any]]:
    """The Page's posts since `since`, newest first, following the cursors: a busy Page can
    have more than one page of posts since the attempt started."""
    params: dict[str, Any] = {"fields": FEED_FIELDS, "since": int(since.timestamp()), "limit": 100}
    posts: list[dict[str, Any]] = []
    for _ in range(MAX_PAGES):
        response = provider.http.request(
            "GET", _api(provider, f"/{account_id}/feed"), bearer=token.access_token,
            params=params,
        )  # fmt: skip
        body = json_body(response)
        data = body.get("data")
        posts.extend(p for p in (data if isinstance(data, list) else []) if isinstance(p, dict))
        paging = body.get("paging") or {}
        after = (paging.get("cursors") or {}).get("after")
        if not paging.get("next") or not after:  # Graph: no `next` means the last page
            break
        params["after"] = after
    return posts


def _find_recent(
    provider, token: pb.TokenSet, account_id: str, message: str, since_marker: str
) -> pb.PublishResult | None:
    since = datetime.strptime(since_marker, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    matches = [
        post
        for post in _recent(provider, token, account_id, since)
        if str(post.get("message") or "") == message
    ]
    if not matches:
        return None
    # The oldest match since the attempt began is the one it sent. (A post without text is
    # matched by having none: rare, and only ever among posts made since that moment.)
    ours = matches[-1]
    return pb.PublishResult(
        platform_post_id=str(ours["id"]),
        permalink=str(ours.get("permalink_url") or ""),
        published_at=_created(ours.get("created_time")),
    )


def find_post(
    provider,
    token: pb.TokenSet,
    *,
    account_id: str,
    content: pb.PostContent,
    saved: dict[str, Any],
) -> pb.PublishResult | None:
    """The post on the Page, or None. By the saved id when the create call answered; else
    among the Page's posts since the create call was sent. No `pending_since` means the
    create call never went out, so there is nothing to find."""
    if video.is_video_post(content):
        return video.find_post(provider, token, account_id=account_id, content=content, saved=saved)
    if saved.get("post_id"):
        return _posted(provider, token, account_id, str(saved["post_id"]))
    if not saved.get("pending_since"):
        return None
    return _find_recent(provider, token, account_id, _message(content), saved["pending_since"])
