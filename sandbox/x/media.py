"""X chunked media upload (PLATFORMS.md §4.2), faithfully enough to test against:

- POST /2/media/upload/initialize {media_type, total_bytes, media_category} -> {"data": {id,
  media_key, expires_after_secs}}. tweet_video takes video/mp4 or video/quicktime up to 512 MB,
  tweet_gif takes image/gif up to 15 MB; anything else is a 400 problem.
- POST /2/media/upload/{id}/append, multipart `segment_index` (0-999) + `media` (at most 5 MB)
  -> {"data": {"expires_at"}}. Segments come in order: an index past the next one expected is a
  400 (sending one again replaces it, as on X). Every accepted segment is logged in the
  upload's `received` list so tests can see what X was sent, and how often.
- POST /2/media/upload/{id}/finalize -> {"data": {id, media_key, size, expires_after_secs,
  processing_info: {state: "pending", check_after_secs}}}; the segments must add up to
  total_bytes (else 400).
- GET /2/media/upload?command=STATUS&media_id=… -> `in_progress` for
  SANDBOX_X_MEDIA_PROCESSING_POLLS reads (default 2), then `succeeded`, or `failed` with
  {code: 1, name: "InvalidMedia", message} when the bytes are not what the type says (a video
  without an MP4/QuickTime `ftyp` box, a GIF without its `GIF8` signature).
- An unknown id, or one past its expiry (SANDBOX_X_MEDIA_EXPIRES_SECS, default 86400), is a
  400 problem at every step.

Until processing succeeds the upload's row is keyed `pending:<id>`, so POST /2/tweets (which
looks media ids up as given) refuses the id, as X does before `succeeded`.
"""

from __future__ import annotations

import json
import os
import secrets
import time

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from sandbox import tokens
from sandbox.common import endpoint, json_response
from sandbox.published.models import SandboxMedia
from sandbox.x import publish
from sandbox.x.errors import problem

P = "x"
MiB = 1024 * 1024
PENDING = "pending:"
# media_category -> (accepted types, largest total_bytes, media key prefix)
CATEGORIES = {
    "tweet_video": ({"video/mp4", "video/quicktime"}, 512 * MiB, "7"),
    "amplify_video": ({"video/mp4", "video/quicktime"}, 512 * MiB, "13"),
    "tweet_gif": ({"image/gif"}, 15 * MiB, "16"),
}
MAX_SEGMENT = 5 * MiB
MAX_SEGMENTS = 1000


def _env(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


def _new_id() -> str:
    return str(int(time.time() * 1000) << 22 | secrets.randbits(22))


def _invalid(detail: str) -> HttpResponse:
    return problem(400, "Invalid Request", detail)


def _writer(request: HttpRequest):
    """The token's user, or the 403 X answers without media.write."""
    token = tokens.authenticate(request, P)
    if "media.write" not in token.scopes:
        return None, problem(403, "Forbidden", "You are not permitted to perform this action.")
    return token, None


def _upload(media_id: str, user: str) -> tuple[SandboxMedia | None, HttpResponse | None]:
    """The user's upload session, or the 400 for an unknown or expired id."""
    media = SandboxMedia.objects.filter(
        platform=P, media_id__in=[media_id, PENDING + media_id], account_id=user
    ).first()
    if media is None or media.payload.get("kind") != "chunked":
        return None, _invalid(f"Media id {media_id} was not found.")
    if media.payload["expires_at"] <= time.time():
        return None, _invalid(f"Media id {media_id} has expired.")
    return media, None


def _public_id(media: SandboxMedia) -> str:
    return media.media_id.removeprefix(PENDING)


def _key(media: SandboxMedia) -> str:
    return f"{CATEGORIES[media.payload['category']][2]}_{_public_id(media)}"


def _expires_after(media: SandboxMedia) -> int:
    return max(int(media.payload["expires_at"] - time.time()), 0)


@endpoint(P, "media_initialize", scope="publish")
def initialize(request: HttpRequest) -> HttpResponse:
    token, refused = _writer(request)
    if refused:
        return refused
    if request.method != "POST":
        return problem(405, "Method Not Allowed", f"{request.method} is not allowed here.")
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return _invalid("The request body is not valid JSON.")
    category = str(body.get("media_category") or "")
    media_type = str(body.get("media_type") or "")
    total = body.get("total_bytes")
    if category not in CATEGORIES:
        return _invalid(f"media_category {category or '(missing)'} is not supported.")
    mimes, largest, _ = CATEGORIES[category]
    if media_type not in mimes:
        return _invalid(f"media_type {media_type or '(missing)'} is not valid for {category}.")
    if not isinstance(total, int) or total <= 0:
        return _invalid("total_bytes must be a positive integer.")
    if total > largest:
        return _invalid(f"total_bytes {total} is over the {largest} byte limit for {category}.")
    media_id = _new_id()
    expires = _env("SANDBOX_X_MEDIA_EXPIRES_SECS", 86400)
    media = SandboxMedia.objects.create(
        platform=P,
        account_id=token.subject,
        media_id=PENDING + media_id,
        mime=media_type,
        size_bytes=total,
        state="uploading",
        payload={
            "kind": "chunked",
            "category": category,
            "segments": {},
            "received": [],
            "expires_at": time.time() + expires,
            "polls": 0,
        },
    )
    return json_response(
        {"data": {"id": media_id, "media_key": _key(media), "expires_after_secs": expires}}
    )


def _signature_ok(mime: str, head: bytes) -> bool:
    if mime == "image/gif":
        return head.startswith(b"GIF8")
    return head[4:8] == b"ftyp"  # the ISO base media file format's first box


@endpoint(P, "media_append", scope="publish")
def append(request: HttpRequest, media_id: str) -> HttpResponse:
    token, refused = _writer(request)
    if refused:
        return refused
    if request.method != "POST":
        return problem(405, "Method Not Allowed", f"{request.method} is not allowed here.")
    media, refused = _upload(media_id, token.subject)
    if refused:
        return refused
    if media.state != "uploading":
        return _invalid(f"Media id {media_id} is already finalized.")
    raw_index = request.POST.get("segment_index", "")
    segment = request.FILES.get("media")
    if not raw_index.isdigit() or int(raw_index) >= MAX_SEGMENTS:
        return _invalid("segment_index must be an integer from 0 to 999.")
    if segment is None or not segment.size:
        return _invalid("media is required.")
    if segment.size > MAX_SEGMENT:
        return _invalid(f"A segment may be at most {MAX_SEGMENT} bytes.")
    index = int(raw_index)
    segments = media.payload["segments"]
    expected = len(segments)
    if index > expected:
        return _invalid(f"Segment {index} is out of order: segment {expected} is expected next.")
    if index == 0:
        media.payload["signature_ok"] = _signature_ok(media.mime, segment.read(16))
    segments[str(index)] = segment.size
    media.payload["received"].append(index)
    media.save(update_fields=["payload"])
    return json_response({"data": {"expires_at": int(media.payload["expires_at"])}})


@endpoint(P, "media_finalize", scope="publish")
def finalize(request: HttpRequest, media_id: str) -> HttpResponse:
    token, refused = _writer(request)
    if refused:
        return refused
    if request.method != "POST":
        return problem(405, "Method Not Allowed", f"{request.method} is not allowed here.")
    media, refused = _upload(media_id, token.subject)
    if refused:
        return refused
    if media.state == "uploading":
        received = sum(media.payload["segments"].values())
        if received != media.size_bytes:
            return _invalid(
                f"File size mismatch: {received} bytes were appended, total_bytes was "
                f"{media.size_bytes}."
            )
        media.state = "pending"
        media.save(update_fields=["state"])
    return json_response({"data": _info(media)})


def _info(media: SandboxMedia) -> dict:
    data = {
        "id": _public_id(media),
        "media_key": _key(media),
        "size": media.size_bytes,
        "expires_after_secs": _expires_after(media),
    }
    if media.state in ("pending", "in_progress"):
        data["processing_info"] = {
            "state": media.state,
            "check_after_secs": _env("SANDBOX_X_MEDIA_CHECK_AFTER_SECS", 1),
            "progress_percent": 0 if media.state == "pending" else 50,
        }
    elif media.state == "failed":
        data["processing_info"] = {
            "state": "failed",
            "progress_percent": 100,
            "error": media.payload["error"],
        }
    else:
        data["processing_info"] = {"state": "succeeded", "progress_percent": 100}
    return data


def _process(media: SandboxMedia) -> None:
    """One STATUS read moves processing along; the last one decides."""
    media.payload["polls"] += 1
    if media.payload["polls"] < _env("SANDBOX_X_MEDIA_PROCESSING_POLLS", 2):
        media.state = "in_progress"
    elif media.payload.get("signature_ok"):
        media.state = "succeeded"
        media.media_id = _public_id(media)  # usable in POST /2/tweets from now on
    else:
        kind = "image" if media.mime == "image/gif" else "video"
        media.state = "failed"
        media.payload["error"] = {
            "code": 1,
            "name": "InvalidMedia",
            "message": f"Unsupported {kind} format",
        }
    media.save(update_fields=["state", "media_id", "payload"])


@endpoint(P, "media_status", scope="publish")
def status(request: HttpRequest) -> HttpResponse:
    """GET /2/media/upload?command=STATUS&media_id=…"""
    token = tokens.authenticate(request, P)
    if request.GET.get("command") != "STATUS":
        return _invalid("command must be STATUS.")
    media_id = request.GET.get("media_id", "")
    media, refused = _upload(media_id, token.subject)
    if refused:
        return refused
    if media.state == "uploading":
        return _invalid(f"Media id {media_id} is not finalized.")
    if media.state in ("pending", "in_progress"):
        _process(media)
    return json_response({"data": _info(media)})


@csrf_exempt
def upload(request: HttpRequest) -> HttpResponse:
    """/2/media/upload: POST is the one-shot image upload (sandbox/x/publish.py), GET the
    chunked upload's STATUS read."""
    if request.method == "POST":
        return publish.media_upload(request)
    if request.method == "GET":
        return status(request)
    return problem(405, "Method Not Allowed", f"{request.method} is not allowed here.")
