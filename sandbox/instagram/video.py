"""Sandbox Instagram video containers (see connections/providers/instagram/video.py for the doc
links), beside the image containers of sandbox/instagram/publish.py, whose state machine,
status reads and media_publish they share:

- POST /{ig-id}/media media_type=REELS (video_url, caption, share_to_feed, thumb_offset,
  cover_url, location_id): a Reel. media_type=VIDEO with is_carousel_item=true: a carousel
  child. VIDEO on its own is refused as Instagram has refused it since 2023-11-09, and so is a
  REELS carousel item (2207023).
- `video_url` is really downloaded (only its first bytes are kept): unreachable -> 2207052,
  too slow -> 2207003, as for images. A file that is not an MP4/MOV (by Content-Type and by an
  ISO-BMFF `ftyp` box or a QuickTime atom first) gets a container whose processing fails:
  status ERROR, subcode 2207026 (the video format is not supported).
- A video container is IN_PROGRESS for its first SANDBOX_INSTAGRAM_VIDEO_POLLS_TO_FINISH
  status reads (default 3, where images take SANDBOX_INSTAGRAM_POLLS_TO_FINISH, default 1).
- media_publish of a Reel makes a post the media listing shows as media_type VIDEO
  (media_product_type REELS in its payload); carousels stay CAROUSEL_ALBUM.
"""

from __future__ import annotations

import inspect
import json

import requests
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from sandbox.common import endpoint, json_response
from sandbox.facebook.videos import looks_like_video
from sandbox.instagram import publish
from sandbox.meta import graph_error
from sandbox.published.models import SandboxMedia, SandboxPost

P = "instagram"
REELS, VIDEO = "REELS", "VIDEO"
VIDEO_MIMES = {"video/mp4", "video/quicktime"}
FORMAT_SUBCODE = 2207026
FETCH_TIMEOUT = (5, 30)
_KEPT = (
    "media_type", "video_url", "caption", "is_carousel_item", "share_to_feed", "thumb_offset",
    "cover_url", "location_id",
)  # fmt: skip
_DOWNLOAD_FAILED = "Media download has failed. The media URI doesn't meet our requirements."

# The image endpoints without their `endpoint` wrapper: these views are the endpoints now (one
# request-log row and one fault claim per call), and hand image requests on to them.
_images_media_edge = inspect.unwrap(publish.media_edge)
_images_media_publish = inspect.unwrap(publish.media_publish)


def _refused(message: str, code: int = 100, subcode: int | None = None) -> HttpResponse:
    return graph_error(message, code=code, subcode=subcode)


def _fetch(url: str) -> tuple[str, int, bytes] | HttpResponse:
    """(Content-Type, size, first bytes) of the video at `url`, or Graph's refusal."""
    try:
        with requests.get(url, timeout=FETCH_TIMEOUT, stream=True) as fetched:
            if fetched.status_code != 200:
                return _refused(_DOWNLOAD_FAILED, code=9004, subcode=2207052)
            mime = fetched.headers.get("Content-Type", "").split(";")[0].strip().lower()
            head, size = b"", 0
            for chunk in fetched.iter_content(64 * 1024):
                head += chunk[: max(0, 64 - len(head))]
                size += len(chunk)
    except requests.Timeout:
        return _refused("It takes too long to download the media.", code=-2, subcode=2207003)
    except requests.RequestException:
        return _refused(_DOWNLOAD_FAILED, code=9004, subcode=2207052)
    return mime, size, head


def _parameter_error(params: dict[str, str], media_type: str) -> HttpResponse | None:
    child = params.get("is_carousel_item", "").lower() == "true"
    if media_type == VIDEO and not child:
        return _refused(
            "The VIDEO media type is no longer supported for single videos. Use REELS.",
            subcode=2207023,
        )
    if media_type == REELS and child:
        return _refused("A carousel item cannot be a Reel; use media_type=VIDEO.", subcode=2207023)
    if not params.get("video_url"):
        return _refused("(#100) The parameter video_url is required")
    if not params.get("thumb_offset", "0").strip().isdigit():
        return _refused("(#100) Param thumb_offset must be an integer (milliseconds)")
    if params.get("share_to_feed", "true").lower() not in ("true", "false"):
        return _refused("(#100) Param share_to_feed must be a boolean")
    return publish._caption_error(params.get("caption", "")) if not child else None


def create_video_container(request: HttpRequest, account: str) -> HttpResponse:
    params = publish._params(request)
    media_type = params.get("media_type", "").upper()
    refused = _parameter_error(params, media_type)
    if refused is not None:
        return refused
    fetched = _fetch(params["video_url"])
    if isinstance(fetched, HttpResponse):
        return fetched
    mime, size, head = fetched
    fields = {k: params[k] for k in _KEPT if k in params}
    if media_type == VIDEO:
        fields.pop("caption", None)  # a child's caption is the parent's
    polls = publish._setting("VIDEO_POLLS_TO_FINISH", 3)
    readable = mime in VIDEO_MIMES and looks_like_video(head)
    state = publish.IN_PROGRESS if polls > 0 else publish.FINISHED
    extra: dict = {"_polls": 0, "_polls_to_finish": polls}
    if not readable:
        # Instagram accepts the container and fails while processing it.
        state, extra["_error_subcode"] = publish.ERROR, FORMAT_SUBCODE
    container = SandboxMedia.objects.create(
        platform=P,
        account_id=account,
        media_id=publish._new_id(),
        mime=mime,
        size_bytes=size,
        state=state,
        payload={**fields, **extra},
    )
    return json_response({"id": container.media_id})


@endpoint(P, "media", scope="publish")
def media_edge(request: HttpRequest, ig_id: str) -> HttpResponse:
    """POST with media_type REELS or VIDEO: a video container; anything else: the image
    endpoint (image and carousel containers, and GET: the media listing)."""
    media_type = publish._params(request).get("media_type", "").upper()
    if request.method != "POST" or media_type not in (REELS, VIDEO):
        return _images_media_edge(request, ig_id)
    account, refused = publish._account(request, ig_id, publish=True)
    if refused is not None:
        return refused
    return create_video_container(request, account)


@endpoint(P, "media_publish", scope="publish")
@require_POST
def media_publish(request: HttpRequest, ig_id: str) -> HttpResponse:
    response = _images_media_publish(request, ig_id)
    if response.status_code == 200:
        post = SandboxPost.objects.filter(
            platform=P, post_id=json.loads(response.content).get("id", "")
        ).first()
        if post is not None and (post.payload.get("container") or {}).get("media_type") == REELS:
            post.kind = VIDEO
            post.payload = {**post.payload, "media_product_type": REELS}
            post.save(update_fields=["kind", "payload"])
    return response
