"""LinkedIn's Videos API (PLATFORMS.md §3.2), faithfully enough to test against:

- POST /rest/videos?action=initializeUpload {"initializeUploadRequest": {owner, fileSizeBytes,
  uploadCaptions, uploadThumbnail}} (version headers, an owner the token may post as) ->
  {"value": {video, uploadToken, uploadUrlsExpireAt, uploadInstructions: [{uploadUrl,
  firstByte, lastByte}]}}: one part per SANDBOX_LINKEDIN_VIDEO_PART_BYTES (default 4 MiB).
- PUT <uploadUrl>: exactly that part's bytes -> 200 with an ETag naming the part. A wrong
  length, an unknown part or an expired URL (SANDBOX_LINKEDIN_VIDEO_URL_SECS, default one day)
  is a 400. Every accepted part is logged in the video's `received` list.
- POST /rest/videos?action=finalizeUpload {"finalizeUploadRequest": {video, uploadToken,
  uploadedPartIds}}: the upload token must match and the ids must be every part's ETag in part
  order (else 400) -> 200; the same finalize again is answered the same way.
- GET /rest/videos/{urn} -> {id, owner, status}: PROCESSING for SANDBOX_LINKEDIN_VIDEO_POLLS
  reads (default 2), then AVAILABLE, or PROCESSING_FAILED when the first part has no MP4
  `ftyp` box. A post may carry the video (content.media.id) once it is AVAILABLE.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import string
import time
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from sandbox import tokens
from sandbox.common import endpoint, json_response
from sandbox.linkedin import errors
from sandbox.linkedin.publish import _AUTHOR, _administered, _may_write, _member, _version_problem
from sandbox.published.models import SandboxMedia

P = "linkedin"
MAX_BYTES = 5 * 1024**3  # [3p] 5 GiB for a video


def _env(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


def _new_video_urn() -> str:
    alphabet = string.ascii_letters + string.digits
    return "urn:li:video:D5610AQ" + "".join(secrets.choice(alphabet) for _ in range(10))


def _parts(size: int) -> list[list[int]]:
    step = _env("SANDBOX_LINKEDIN_VIDEO_PART_BYTES", 4 * 1024 * 1024)
    return [[first, min(first + step, size) - 1] for first in range(0, size, step)]


def _initialize(request: HttpRequest) -> HttpResponse:
    token = tokens.authenticate(request, P)
    if problem := _version_problem(request):
        return problem
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return errors.rest_error(400, "Invalid JSON in the request body")
    upload = (body or {}).get("initializeUploadRequest") or {}
    owner = str(upload.get("owner") or "")
    size = upload.get("fileSizeBytes")
    if not _AUTHOR.match(owner):
        return errors.invalid("/initializeUploadRequest/owner", "is not a valid owner URN")
    if not isinstance(size, int) or not 0 < size <= MAX_BYTES:
        return errors.invalid(
            "/initializeUploadRequest/fileSizeBytes", f"must be from 1 to {MAX_BYTES}"
        )
    if not _may_write(token, owner):
        return errors.rest_error(
            403, "Accessing this video resource is forbidden. Please check your permissions "
            "for this resource",
        )  # fmt: skip
    upload_token = secrets.token_urlsafe(16)
    expires_ms = int((time.time() + _env("SANDBOX_LINKEDIN_VIDEO_URL_SECS", 86400)) * 1000)
    video = SandboxMedia.objects.create(
        platform=P,
        account_id=owner,
        media_id=_new_video_urn(),
        mime="video/mp4",
        size_bytes=size,
        state="WAITING_UPLOAD",
        payload={
            "kind": "video",
            "upload_token": upload_token,
            "parts": _parts(size),
            "etags": {},
            "received": [],
            "expires_ms": expires_ms,
            "polls": 0,
        },
    )
    video_id = video.media_id.rsplit(":", 1)[1]
    instructions = []
    for index, (first, last) in enumerate(video.payload["parts"]):
        path = reverse("sandbox-linkedin-video-upload", args=[video_id, index])
        query = urlencode({"ca": "vector_feedshare", "cn": "uploads", "ut": upload_token})
        instructions.append(
            {
                "uploadUrl": request.build_absolute_uri(f"{path}?{query}"),
                "firstByte": first,
                "lastByte": last,
            }
        )
    return json_response(
        {
            "value": {
                "uploadUrlsExpireAt": expires_ms,
                "video": video.media_id,
                "uploadInstructions": instructions,
                "uploadToken": upload_token,
            }
        }
    )


def _finalize(request: HttpRequest) -> HttpResponse:
    tokens.authenticate(request, P)
    if problem := _version_problem(request):
        return problem
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return errors.rest_error(400, "Invalid JSON in the request body")
    final = (body or {}).get("finalizeUploadRequest") or {}
    video = SandboxMedia.objects.filter(platform=P, media_id=str(final.get("video") or "")).first()
    if video is None or video.payload.get("kind") != "video":
        return errors.not_found(str(final.get("video") or "video"))
    if final.get("uploadToken") != video.payload["upload_token"]:
        return errors.rest_error(400, "Invalid upload token for this video")
    etags = video.payload["etags"]
    expected = [etags.get(str(i)) for i in range(len(video.payload["parts"]))]
    if None in expected:
        missing = expected.index(None)
        return errors.rest_error(400, f"Part {missing} of the video has not been uploaded")
    if final.get("uploadedPartIds") != expected:
        return errors.rest_error(
            400, "uploadedPartIds do not match the uploaded parts (ETags, in part order)"
        )
    if video.state == "WAITING_UPLOAD":
        video.state = "PROCESSING"
        video.save(update_fields=["state"])
    return HttpResponse(status=200)


initialize_view = endpoint(P, "videos_initialize", scope="publish")(_initialize)
finalize_view = endpoint(P, "videos_finalize", scope="publish")(_finalize)


@csrf_exempt
def videos(request: HttpRequest) -> HttpResponse:
    """/rest/videos: one URL, an action per request (each logged under its own name)."""
    action = request.GET.get("action", "")
    if request.method == "POST" and action == "initializeUpload":
        return initialize_view(request)
    if request.method == "POST" and action == "finalizeUpload":
        return finalize_view(request)
    return errors.rest_error(400, f"Unsupported action {action or '(none)'} for videos")


def _etag(video: SandboxMedia, index: int, digest: bytes) -> str:
    raw = hashlib.sha256(video.media_id.encode() + bytes([index % 256]) + digest).digest()
    return "/" + base64.b64encode(raw[:24]).decode()


@endpoint(P, "video_upload_part", scope="publish")
def upload_part(request: HttpRequest, video_id: str, part: int) -> HttpResponse:
    """PUT <uploadUrl>: one part's raw bytes (the upload host needs no version headers)."""
    tokens.authenticate(request, P)
    if request.method != "PUT":
        return errors.rest_error(405, f"Method {request.method} is not allowed")
    video = SandboxMedia.objects.filter(platform=P, media_id=f"urn:li:video:{video_id}").first()
    if video is None or video.payload.get("upload_token") != request.GET.get("ut"):
        return errors.rest_error(400, "Invalid or expired upload URL")
    if video.payload["expires_ms"] <= time.time() * 1000:
        return errors.rest_error(400, "Invalid or expired upload URL")
    if video.state != "WAITING_UPLOAD":
        return errors.rest_error(400, "This upload has already been finalized")
    if part >= len(video.payload["parts"]):
        return errors.rest_error(400, f"Unknown part {part}")
    first, last = video.payload["parts"][part]
    digest, size, head = hashlib.sha256(), 0, b""
    while chunk := request.read(64 * 1024):  # the stream, not .body: parts exceed 2.5 MB
        if size < 16:
            head += chunk[: 16 - size]
        digest.update(chunk)
        size += len(chunk)
    if size != last - first + 1:
        return errors.rest_error(
            400, f"Part {part} must be {last - first + 1} bytes (bytes {first}-{last}); got {size}"
        )
    etag = _etag(video, part, digest.digest())
    video.payload["etags"][str(part)] = etag
    video.payload["received"].append(part)
    if part == 0:
        video.payload["signature_ok"] = head[4:8] == b"ftyp"
    video.save(update_fields=["payload"])
    response = HttpResponse(status=200)
    response["ETag"] = etag
    return response


@endpoint(P, "video_get")
def video_get(request: HttpRequest, video_urn: str) -> HttpResponse:
    token = tokens.authenticate(request, P)
    if problem := _version_problem(request):
        return problem
    video = SandboxMedia.objects.filter(platform=P, media_id=video_urn).first()
    if video is None or video.payload.get("kind") != "video":
        return errors.not_found(video_urn)
    if video.account_id != _member(token) and video.account_id not in _administered():
        return errors.rest_error(
            403, "Accessing this video resource is forbidden. Please check your permissions "
            "for this resource",
        )  # fmt: skip
    if video.state == "PROCESSING":
        # Each read moves processing along; the last one decides.
        video.payload["polls"] += 1
        if video.payload["polls"] >= _env("SANDBOX_LINKEDIN_VIDEO_POLLS", 2):
            video.state = "AVAILABLE" if video.payload.get("signature_ok") else "PROCESSING_FAILED"
        video.save(update_fields=["state", "payload"])
    body = {"id": video.media_id, "owner": video.account_id, "status": video.state}
    if video.state == "PROCESSING_FAILED":
        body["processingFailureReason"] = "The video could not be transcoded"  # [mem] field
    return json_response(body)
