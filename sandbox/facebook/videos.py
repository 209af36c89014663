"""Sandbox Page videos (the Video API; see connections/providers/facebook/video.py for the doc
links and what is [mem]). Every call needs the Page's own token with `pages_manage_posts`
(reads: the Page's token or `pages_read_engagement`) and is metered like the other Page calls.

- POST /{page-id}/videos {file_url | multipart source, description, title, published}: the
  sandbox really fetches `file_url`, as Facebook does. Unreachable -> subcode 2061006; then the
  Video API's upload errors (code 6000; https://developers.facebook.com/docs/video-api/
  reference/error-codes/): a Content-Type other than video/* -> 1363031, under 1 KB -> 1363022,
  over SANDBOX_FACEBOOK_MAX_VIDEO_BYTES (1 GiB, the non-resumable limit) -> 1363023. Else ->
  {"id": "<video-id>"}: a SandboxMedia row (payload kind "video") in state "processing".
- GET /{video-id}?fields=: each read of a processing video counts as a poll; after
  SANDBOX_FACEBOOK_VIDEO_POLLS_TO_READY of them (default 2, read at upload) processing ends.
  A real MP4/MOV (an ISO-BMFF `ftyp` box, or a QuickTime atom, first) becomes "ready" and,
  published, gets its Page post (SandboxPost kind "video", text = description); anything else
  ends in "error", the reason in `status.processing_phase.errors`.
- GET /{page-id}/videos?fields=&since=&until=&limit=&after=: the Page's videos, newest first,
  processing ones included, cursor-paged like the feed.
"""

from __future__ import annotations

import inspect
import os
from typing import Any

import requests
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from sandbox import tokens
from sandbox.common import endpoint, json_response
from sandbox.facebook import graph, reads
from sandbox.meta import graph_error
from sandbox.published.models import SandboxMedia, SandboxPost

P = "facebook"
KIND = "video"
PROCESSING, READY, ERROR = "processing", "ready", "error"
NODE_FIELDS = {
    "id", "description", "title", "created_time", "updated_time", "permalink_url", "post_id",
    "published", "status", "length", "source",
}  # fmt: skip
DEFAULT_FIELDS = "id,description,created_time"
# Box types a QuickTime / MP4 file starts with (ISO/IEC 14496-12 `ftyp`; older QuickTime
# files may open with another top-level atom).
_LEADING_BOXES = {b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip"}
MIN_BYTES = 1024
UPLOAD_FAILED = 6000
TOO_SMALL, TOO_LARGE, NOT_A_VIDEO = 1363022, 1363023, 1363031
MESSAGES = {
    TOO_SMALL: "The video you tried to upload is too small. The minimum size for a video is "
    "1 KB. Please try again with a larger file.",
    TOO_LARGE: "The video you tried to upload is too large. Please try again with a smaller file.",
    NOT_A_VIDEO: "No Video Detected. It looks like you are uploading a file that is not a video.",
}
NOT_PROCESSED = "Your video could not be processed: the file is not a valid MP4 or MOV video."


def _env(name: str, default: int) -> int:
    return int(os.environ.get(name, "") or default)


def _invalid(message: str, code: int = 100, subcode: int | None = None) -> HttpResponse:
    return graph_error(message, code=code, subcode=subcode)


def looks_like_video(head: bytes) -> bool:
    return len(head) >= 8 and head[4:8] in _LEADING_BOXES


# --- POST /{page-id}/videos ------------------------------------------------------------------


class _Fetched:
    def __init__(self, mime: str, size: int, head: bytes):
        self.mime, self.size, self.head = mime, size, head


def _read(chunks, mime: str, limit: int) -> _Fetched:
    """Count the bytes (up to just past the limit) and keep the first few: enough to tell a
    video's container without holding the file."""
    head, size = b"", 0
    for chunk in chunks:
        if len(head) < 64:
            head += chunk[: 64 - len(head)]
        size += len(chunk)
        if size > limit:
            break
    return _Fetched(mime, size, head)


def _video_bytes(request: HttpRequest, body: dict[str, Any]) -> _Fetched | HttpResponse:
    limit = _env("SANDBOX_FACEBOOK_MAX_VIDEO_BYTES", 1024**3)
    upload = request.FILES.get("source")
    if upload is not None:
        return _read(upload.chunks(), upload.content_type or "", limit)
    url = str(body.get("file_url") or "")
    if not url.startswith(("http://", "https://")):
        return _invalid("(#100) file_url should represent a valid URL", subcode=2061006)
    try:
        with requests.get(url, timeout=(3, 30), stream=True) as fetched:
            if fetched.status_code != 200:
                return _invalid("(#100) file_url should represent a valid URL", subcode=2061006)
            mime = fetched.headers.get("Content-Type", "").split(";")[0].strip().lower()
            return _read(fetched.iter_content(64 * 1024), mime, limit)
    except (requests.RequestException, ValueError):
        return _invalid("(#100) file_url should represent a valid URL", subcode=2061006)


def _create(request: HttpRequest, page_id: str) -> HttpResponse:
    graph.page_token(request, page_id, scope="pages_manage_posts")
    try:
        body = graph.params(request)
    except ValueError as exc:
        return _invalid(f"(#100) {exc}")
    got = _video_bytes(request, body)
    if isinstance(got, HttpResponse):
        return got
    refusal = None
    if not got.mime.startswith("video/"):
        refusal = NOT_A_VIDEO
    elif got.size < MIN_BYTES:
        refusal = TOO_SMALL
    elif got.size > _env("SANDBOX_FACEBOOK_MAX_VIDEO_BYTES", 1024**3):
        refusal = TOO_LARGE
    if refusal is not None:
        return _invalid(MESSAGES[refusal], code=UPLOAD_FAILED, subcode=refusal)
    video = SandboxMedia.objects.create(
        platform=P,
        account_id=page_id,
        media_id=graph.new_id(),
        mime=got.mime,
        size_bytes=got.size,
        state=PROCESSING,
        payload={
            "kind": KIND,
            "file_url": str(body.get("file_url") or ""),
            "description": str(body.get("description") or ""),
            "title": str(body.get("title") or ""),
            "published": graph.truthy(body.get("published")),
            "_valid": looks_like_video(got.head),
            "_polls": 0,
            "_polls_to_ready": _env("SANDBOX_FACEBOOK_VIDEO_POLLS_TO_READY", 2),
        },
    )
    return json_response({"id": video.media_id})


@endpoint(P, "videos_publish", scope="publish")
def videos_publish(request: HttpRequest, page_id: str) -> HttpResponse:
    return graph.metered(request, page_id, lambda: _create(request, page_id))


# --- Processing ------------------------------------------------------------------------------


def _advance(video: SandboxMedia) -> SandboxMedia:
    """Count this read as a poll of a processing video; at the last one, end processing: ready
    (and published: its Page post appears) or error."""
    with transaction.atomic():
        row = SandboxMedia.objects.select_for_update().get(pk=video.pk)
        if row.state != PROCESSING:
            return row
        row.payload["_polls"] = int(row.payload.get("_polls", 0)) + 1
        if row.payload["_polls"] > int(row.payload.get("_polls_to_ready", 0)):
            row.state = READY if row.payload.get("_valid") else ERROR
            if row.state == READY and row.payload.get("published"):
                post = SandboxPost.objects.create(
                    platform=P,
                    account_id=row.account_id,
                    post_id=f"{row.account_id}_{graph.new_id()}",
                    text=row.payload.get("description", ""),
                    media_ids=[row.media_id],
                    payload={k: v for k, v in row.payload.items() if not k.startswith("_")},
                    kind=KIND,
                )
                row.payload["post_id"] = post.post_id
        row.save(update_fields=["state", "payload"])
    return row


def _status(video: SandboxMedia) -> dict[str, Any]:
    """A VideoStatus: the overall state and its three phases."""
    processing: dict[str, Any] = {
        PROCESSING: {"status": "in_progress"},
        READY: {"status": "complete"},
        ERROR: {"status": "error", "errors": [{"code": UPLOAD_FAILED, "message": NOT_PROCESSED}]},
    }[video.state]
    published = video.state == READY and video.payload.get("published")
    publishing: dict[str, Any] = {"status": "complete" if published else "not_started"}
    publishing["publish_status"] = "published" if published else "not_published"
    if published:
        publishing["publish_time"] = graph.created_time(video.created_at)
    return {
        "video_status": video.state,
        "uploading_phase": {"status": "complete", "bytes_transferred": video.size_bytes},
        "processing_phase": processing,
        "publishing_phase": publishing,
    }


def video_node(video: SandboxMedia, wanted: list[str]) -> dict[str, Any]:
    payload = video.payload
    known = {
        "id": video.media_id,
        "description": payload.get("description") or None,
        "title": payload.get("title") or None,
        "created_time": graph.created_time(video.created_at),
        "updated_time": graph.created_time(video.created_at),
        # Relative, as Graph gives it for videos [mem].
        "permalink_url": f"/{video.account_id}/videos/{video.media_id}/",
        "post_id": payload.get("post_id"),
        "published": bool(payload.get("published")) and video.state == READY,
        "status": _status(video),
        "length": None,  # the sandbox does not decode the video
        "source": payload.get("file_url") if video.state == READY else None,
    }
    node = {"id": video.media_id}
    node.update({f: known[f] for f in wanted if known.get(f) is not None})
    return node


def _unknown_field(wanted: list[str]) -> HttpResponse | None:
    for name in wanted:
        if name not in NODE_FIELDS:
            return graph_error(
                f"(#100) Tried accessing nonexisting field ({name}) on node type (Video)",
                code=100,
            )
    return None


# --- GET /{node-id}: videos here, posts and photos in reads.py ----------------------------------


def _video(node_id: str) -> SandboxMedia | None:
    video = SandboxMedia.objects.filter(platform=P, media_id=node_id).first()
    return video if video is not None and video.payload.get("kind") == KIND else None


def _read_video(request: HttpRequest, video: SandboxMedia) -> HttpResponse:
    token = tokens.authenticate(request, P)
    if not reads.can_read(token, video.account_id):
        return graph.permission_error()
    wanted = graph.fields(request, DEFAULT_FIELDS)
    refused = _unknown_field(wanted)
    if refused is not None:
        return refused
    return json_response(video_node(_advance(video), wanted))


_READ_POST_OR_PHOTO = inspect.unwrap(reads.node)


@endpoint(P, "node")
def node(request: HttpRequest, node_id: str) -> HttpResponse:
    video = _video(node_id)
    if video is None:
        return _READ_POST_OR_PHOTO(request, node_id)
    return graph.metered(request, video.account_id, lambda: _read_video(request, video))


# --- GET /{page-id}/videos -------------------------------------------------------------------


def _list(request: HttpRequest, page_id: str) -> HttpResponse:
    if not reads.can_read(tokens.authenticate(request, P), page_id):
        return graph.permission_error()
    try:
        limit = min(max(int(request.GET.get("limit") or 25), 1), 100)
    except ValueError:
        return _invalid("(#100) limit must be an integer")
    wanted = graph.fields(request, DEFAULT_FIELDS)
    refused = _unknown_field(wanted)
    if refused is not None:
        return refused
    videos = SandboxMedia.objects.filter(
        platform=P, account_id=page_id, payload__kind=KIND
    ).order_by("-id")
    since = reads.moment(request.GET.get("since", ""))
    until = reads.moment(request.GET.get("until", ""))
    if since is not None:
        videos = videos.filter(created_at__gte=since)
    if until is not None:
        videos = videos.filter(created_at__lte=until)
    after = reads._uncursor(request.GET.get("after", ""))
    if after is not None:
        videos = videos.filter(id__lt=after)
    page = list(videos[: limit + 1])
    shown = page[:limit]
    body: dict[str, Any] = {"data": [video_node(video, wanted) for video in shown]}
    if shown:
        cursors = {"before": reads._cursor(shown[0].pk), "after": reads._cursor(shown[-1].pk)}
        body["paging"] = {"cursors": cursors}
        if len(page) > limit:
            query = request.GET.copy()
            query["after"] = cursors["after"]
            body["paging"]["next"] = request.build_absolute_uri(
                f"{request.path}?{query.urlencode()}"
            )
    return json_response(body)


@endpoint(P, "videos_list")
def videos_list(request: HttpRequest, page_id: str) -> HttpResponse:
    return graph.metered(request, page_id, lambda: _list(request, page_id))
