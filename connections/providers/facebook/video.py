"""Facebook Page video posts, one video per post (the Video API):

1. POST /{page-id}/videos {file_url, description, published: true} -> {"id": "<video-id>"}.
   Facebook fetches `file_url` itself: our MediaAsset's public URL, as `url` is for /photos.
2. Facebook processes the video after answering: GET /{video-id}?fields=status,permalink_url,
   post_id,created_time until `status.video_status` is "ready"; "error" (or "expired") is a
   Rejected carrying Facebook's reason. Polling starts fast and backs off, and one attempt
   waits at most PUBLISH_VIDEO_MAX_WAIT_SECONDS: past it, a Transient, and the next attempt
   polls the same video again.
3. The post is the video's `post_id` ({page-id}_{story-id}), or the video id when Facebook
   names no post; the permalink is the video's `permalink_url`.

What this relies on (Meta's pages, found with the docs search):
- https://developers.facebook.com/docs/graph-api/reference/page/videos: creating takes
  `file_url` ("accessible URL of a video file"), `description`, `title`, `published`, with a
  Page token holding pages_manage_posts (the CREATE_CONTENT task).
- https://developers.facebook.com/docs/video-api/guides/publishing: the answer is {"id"}.
- https://developers.facebook.com/docs/graph-api/video-uploads: "videos must be published to
  graph-video.facebook.com"; a `file_url` is fetched by Facebook (within 5 minutes; up to 1 GB
  and 20 minutes without the resumable protocol). The upload goes to FACEBOOK_VIDEO_API_BASE
  when that setting exists, else to the Graph API base.
- https://developers.facebook.com/docs/graph-api/reference/video-status: `status` is a
  VideoStatus {video_status, uploading_phase, processing_phase, publishing_phase}.
- Not checked against a primary source [mem]: `video_status` takes ready / processing /
  expired / error, and a failed phase lists {code, message} in `errors`; Video.permalink_url is
  relative ("/{page}/videos/{id}/"); Video.post_id names the Page post once published;
  GET /{page-id}/videos lists the Page's uploads, still-processing ones included (its reference
  page documents creation only), and takes `since`. Where a field is missing we fall back
  (video id for the post, no permalink) rather than fail a post that exists.

Resumable, never uploading twice: `video_pending_since` is checkpointed before the upload and
`video_id` the moment Facebook answers. With an id, a retry only polls; with only the marker
(the answer was lost), it first looks among the Page's videos since then for one with the same
description.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from django.conf import settings

from connections.providers import base as pb
from connections.providers.http import json_body

log = structlog.get_logger(__name__)

READY, ERROR, EXPIRED = "ready", "error", "expired"
FIRST_POLL_SECONDS, MAX_POLL_SECONDS = 0.1, 5.0
NODE_FIELDS = "status,permalink_url,post_id,created_time"
LIST_FIELDS = "id,description,created_time"
MAX_PAGES = 5  # of 100 videos each, when looking for an upload whose answer was lost
CLOCK_SKEW = timedelta(minutes=2)
WEB = "https://www.facebook.com"  # what a relative permalink is relative to


def is_video_post(content: pb.PostContent) -> bool:
    return any(item.mime.lower().startswith("video/") for item in content.media)


def _the_video(content: pb.PostContent) -> pb.MediaItem:
    if len(content.media) != 1:
        raise pb.Rejected(
            "Facebook: a video post carries one video and no other media",
            reason="Facebook takes one video per post, without photos",
        )
    return content.media[0]


def _description(content: pb.PostContent) -> str:
    # As with photos, a video post shows no link preview: the link goes into the text.
    if content.link and content.link not in content.text:
        return f"{content.text}\n{content.link}".strip()
    return content.text


def _api(provider, path: str) -> str:
    return provider.setting("API_BASE").rstrip("/") + path


def _upload_url(provider, account_id: str) -> str:
    base = getattr(settings, "FACEBOOK_VIDEO_API_BASE", "") or provider.setting("API_BASE")
    return base.rstrip("/") + f"/{account_id}/videos"


def _marker() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(value: Any) -> datetime | None:
    """Graph times ("2025-01-31T12:00:00+0000") and our markers ("...Z")."""
    text = str(value or "")
    for layout in ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%SZ"):
        try:
            moment = datetime.strptime(text, layout)
        except ValueError:
            continue
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return None


# --- Processing ------------------------------------------------------------------------------


def _node(provider, token: pb.TokenSet, video_id: str) -> dict[str, Any]:
    response = provider.http.request(
        "GET", _api(provider, f"/{video_id}"), bearer=token.access_token,
        params={"fields": NODE_FIELDS},
    )  # fmt: skip
    return json_body(response)


def _state(node: dict[str, Any]) -> str:
    status = node.get("status")
    return str(status.get("video_status") or "") if isinstance(status, dict) else ""


def _why(node: dict[str, Any]) -> str:
    """Facebook's words for a failed video: the first error any phase lists."""
    status = node.get("status") if isinstance(node.get("status"), dict) else {}
    for phase in ("uploading_phase", "processing_phase", "publishing_phase"):
        errors = (status.get(phase) or {}).get("errors") if isinstance(status, dict) else None
        for error in errors if isinstance(errors, list) else ():
            if isinstance(error, dict) and error.get("message"):
                return str(error["message"])
    return "Facebook could not process the video"


def _wait_ready(provider, token: pb.TokenSet, video_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + settings.PUBLISH_VIDEO_MAX_WAIT_SECONDS
    interval = FIRST_POLL_SECONDS
    while True:
        node = _node(provider, token, video_id)
        state = _state(node)
        if state == READY:
            return node
        if state in (ERROR, EXPIRED):
            why = _why(node)
            raise pb.Rejected(
                f"Facebook: video {video_id} {state}: {why}",
                reason=why,
                platform_code=f"video/{state}",
            )
        if time.monotonic() + interval > deadline:
            raise pb.Transient(f"Facebook: video {video_id} still processing; will check again")
        time.sleep(interval)
        interval = min(interval * 2, MAX_POLL_SECONDS)


def _result(video_id: str, node: dict[str, Any]) -> pb.PublishResult:
    permalink = str(node.get("permalink_url") or "")
    if permalink.startswith("/"):
        permalink = WEB + permalink
    return pb.PublishResult(
        platform_post_id=str(node.get("post_id") or "") or video_id,
        permalink=permalink,
        published_at=_parse(node.get("created_time")),
        extra={"kind": "video", "video_id": video_id},
    )


# --- Upload, and finding an upload whose answer was lost --------------------------------------


def _upload(
    provider, token: pb.TokenSet, account_id: str, item: pb.MediaItem, description: str,
    checkpoint: pb.Checkpoint,
) -> str:  # fmt: skip
    checkpoint(video_pending_since=_marker())
    response = provider.http.request(
        "POST", _upload_url(provider, account_id), bearer=token.access_token,
        json={"file_url": item.url, "description": description, "published": True},
    )  # fmt: skip
    video_id = str(json_body(response).get("id") or "")
    if not video_id:
        raise pb.Unknown("Facebook: video upload answered without an id")
    checkpoint(video_id=video_id)
    return video_id


def _find_upload(
    provider, token: pb.TokenSet, account_id: str, description: str, marker: str
) -> str | None:
    """The id of the video uploaded since `marker` with this description (the oldest such:
    the one our attempt sent), following the cursors; None when there is none."""
    since = (_parse(marker) or datetime.now(UTC)) - CLOCK_SKEW
    params: dict[str, Any] = {"fields": LIST_FIELDS, "since": int(since.timestamp()), "limit": 100}
    matches: list[str] = []
    for _ in range(MAX_PAGES):
        response = provider.http.request(
            "GET", _api(provider, f"/{account_id}/videos"), bearer=token.access_token,
            params=params,
        )  # fmt: skip
        body = json_body(response)
        for video in body.get("data") if isinstance(body.get("data"), list) else ():
            created = _parse(video.get("created_time")) if isinstance(video, dict) else None
            if created is None or created < since:
                continue
            if str(video.get("description") or "") == description and video.get("id"):
                matches.append(str(video["id"]))
        paging = body.get("paging") or {}
        after = (paging.get("cursors") or {}).get("after")
        if not paging.get("next") or not after:
            break
        params["after"] = after
    return matches[-1] if matches else None  # newest first: the last match is the oldest


# --- The Publisher protocol, for video posts (connections/providers/facebook/publish.py) ----


def publish(
    provider,
    token: pb.TokenSet,
    *,
    account_id: str,
    content: pb.PostContent,
    saved: dict[str, Any],
    checkpoint: pb.Checkpoint,
) -> pb.PublishResult:
    item = _the_video(content)
    description = _description(content)
    video_id = str(saved.get("video_id") or "")
    if not video_id and saved.get("video_pending_since"):
        # An earlier attempt sent the upload and never heard back: look before sending.
        found = _find_upload(provider, token, account_id, description, saved["video_pending_since"])
        if found:
            video_id = found
            checkpoint(video_id=video_id)
    if not video_id:
        video_id = _upload(provider, token, account_id, item, description, checkpoint)
    node = _wait_ready(provider, token, video_id)
    log.info("facebook_video_ready", video_id=video_id)
    return _result(video_id, node)


def find_post(
    provider,
    token: pb.TokenSet,
    *,
    account_id: str,
    content: pb.PostContent,
    saved: dict[str, Any],
) -> pb.PublishResult | None:
    """The video's post once it is ready. A video still processing (or failed) is not a post
    yet: None, and the next attempt polls that same video (it never uploads again)."""
    video_id = str(saved.get("video_id") or "")
    if not video_id and saved.get("video_pending_since"):
        video_id = (
            _find_upload(
                provider, token, account_id, _description(content), saved["video_pending_since"]
            )
            or ""
        )
    if not video_id:
        return None
    node = _node(provider, token, video_id)
    return _result(video_id, node) if _state(node) == READY else None
