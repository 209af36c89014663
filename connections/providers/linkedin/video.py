"""LinkedIn video upload (PLATFORMS.md §3.2; the Videos API, which replaced the Assets API):
https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/videos-api

1. POST /rest/videos?action=initializeUpload {"initializeUploadRequest": {owner, fileSizeBytes,
   uploadCaptions: false, uploadThumbnail: false}} -> value {video (URN), uploadToken,
   uploadUrlsExpireAt (ms), uploadInstructions: [{uploadUrl, firstByte, lastByte}]}
2. PUT each part's bytes to its uploadUrl; each answer's ETag names the part
3. POST /rest/videos?action=finalizeUpload {"finalizeUploadRequest": {video, uploadToken,
   uploadedPartIds: [the ETags, in part order]}}
4. GET /rest/videos/{urn} until `status` is AVAILABLE (PROCESSING_FAILED: refused)
The post then carries `content.media.id` = the video URN. One MP4 per post, never with images.

Resumable: `video_urn`, `video_upload_token`, `video_parts` (the instructions), `video_bytes`
and `video_expires_at` are checkpointed right after initialize, `video_etags` after each part,
`video_finalized` after finalize and `video_ready` once AVAILABLE. A retry PUTs only the parts
without an ETag, finalizes or polls as far as the saved state says; it starts a new upload only
when the upload URLs have expired or LinkedIn refuses the saved upload (4xx).
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote

from connections.providers import base as pb
from connections.providers.http import json_body
from connections.providers.linkedin.oauth import VERSION_HEADERS
from connections.providers.media_source import (
    MediaStream,
    max_wait_seconds,
    open_media,
    poll_max_seconds,
)

VIDEO_MIMES = ("video/mp4",)
# LinkedIn gives no hint when to look again; a few seconds between status reads.
POLL_SECONDS = 3.0
# Upload URLs this close to their expiry are not used: the upload starts again.
EXPIRY_MARGIN_MS = 60_000
PROCESSING = ("PROCESSING", "WAITING_UPLOAD")


def video_item(content: pb.PostContent) -> pb.MediaItem | None:
    """The post's one video, or None when it has none; Rejected for what LinkedIn refuses."""
    videos = [m for m in content.media if m.mime.startswith("video/")]
    if not videos:
        return None
    if len(content.media) > 1:
        raise pb.Rejected("LinkedIn: one video per post, never with other media")
    if videos[0].mime not in VIDEO_MIMES:
        raise pb.Rejected("LinkedIn: videos must be MP4")
    return videos[0]


def _rest(provider, path: str) -> str:
    return provider.setting("API_BASE").rstrip("/") + "/rest" + path


def _usable(saved: dict[str, Any]) -> bool:
    if saved.get("video_finalized"):
        return True  # the URLs are no longer needed
    expires = saved.get("video_expires_at")
    if not isinstance(expires, int | float):
        return True
    return expires - EXPIRY_MARGIN_MS > time.time() * 1000


def upload(
    provider,
    token: pb.TokenSet,
    *,
    owner: str,
    item: pb.MediaItem,
    saved: dict[str, Any],
    checkpoint: pb.Checkpoint,
) -> str:
    """The URN of `item` as an AVAILABLE video: reused, resumed or uploaded."""
    urn = str(saved.get("video_urn") or "")
    if urn and saved.get("video_ready"):
        return urn
    state = dict(saved) if urn and _usable(saved) else {}
    try:
        return _run(provider, token, owner, item, state, checkpoint)
    except pb.UploadGone:
        return _run(provider, token, owner, item, {}, checkpoint)


def _run(provider, token, owner: str, item, state: dict[str, Any], checkpoint) -> str:
    resumed = bool(state.get("video_urn"))
    if not state.get("video_finalized"):
        with open_media(item, platform="LinkedIn") as media:
            if not resumed:
                state = _initialize(provider, token, owner, media.size, checkpoint)
            elif state.get("video_bytes") != media.size:
                raise pb.UploadGone  # the file changed since that upload began
            _put_parts(provider, token, media, state, checkpoint, resumed=resumed)
        _call(
            provider, token, "POST", _rest(provider, "/videos"), resumed=resumed,
            params={"action": "finalizeUpload"},
            json={
                "finalizeUploadRequest": {
                    "video": state["video_urn"],
                    "uploadToken": state.get("video_upload_token") or "",
                    "uploadedPartIds": state["video_etags"],
                }
            },
        )  # fmt: skip
        checkpoint(video_finalized=True)
    return _wait(provider, token, state, checkpoint, resumed=resumed)


def _call(provider, token, method: str, url: str, *, resumed: bool, headers=VERSION_HEADERS, **kw):
    """One call; on a resumed upload a 4xx means LinkedIn no longer has it (UploadGone)."""
    with pb.gone_if_refused(resumed=resumed):
        return provider.http.request(method, url, bearer=token.access_token, headers=headers, **kw)


def _initialize(provider, token, owner: str, size: int, checkpoint) -> dict[str, Any]:
    response = _call(
        provider, token, "POST", _rest(provider, "/videos"), resumed=False,
        params={"action": "initializeUpload"},
        json={
            "initializeUploadRequest": {
                "owner": owner,
                "fileSizeBytes": size,
                "uploadCaptions": False,
                "uploadThumbnail": False,
            }
        },
    )  # fmt: skip
    value = json_body(response).get("value") or {}
    urn = str(value.get("video") or "")
    parts = [
        [str(p.get("uploadUrl") or ""), p.get("firstByte"), p.get("lastByte")]
        for p in value.get("uploadInstructions") or []
    ]
    parts.sort(key=lambda p: p[1] if isinstance(p[1], int) else -1)
    expected = 0
    for url, first, last in parts:
        if not url or first != expected or not isinstance(last, int) or last < first:
            break
        expected = last + 1
    if not urn or not parts or expected != size:
        raise pb.Transient("LinkedIn: initializeUpload answered without usable upload parts")
    state = {
        "video_urn": urn,
        "video_upload_token": str(value.get("uploadToken") or ""),
        "video_bytes": size,
        "video_parts": parts,
        "video_expires_at": value.get("uploadUrlsExpireAt"),
        "video_etags": [],
        "video_finalized": False,
        "video_ready": False,
    }
    checkpoint(**state)
    return state


def _put_parts(provider, token, media: MediaStream, state, checkpoint, *, resumed) -> None:
    etags: list[str] = list(state.get("video_etags") or [])
    for url, first, last in state["video_parts"][len(etags) :]:
        data = media.read_range(first, last)
        # The upload host takes no version headers.
        response = _call(
            provider, token, "PUT", url, resumed=resumed,
            headers={"Content-Type": "application/octet-stream"}, data=data,
        )  # fmt: skip
        etag = response.headers.get("ETag", "")
        if not etag:
            # The part may be stored, but it cannot be finalized without its id: send it again.
            raise pb.Transient("LinkedIn: an upload part was answered without its ETag")
        etags.append(etag)
        checkpoint(video_etags=list(etags))
    state["video_etags"] = etags


def _wait(provider, token, state, checkpoint, *, resumed: bool) -> str:
    """Read the video until it leaves PROCESSING. Past this attempt's deadline: Transient, and
    the next attempt reads the same (checkpointed) video again."""
    urn = state["video_urn"]
    url = _rest(provider, f"/videos/{quote(urn, safe='')}")
    interval = min(POLL_SECONDS, poll_max_seconds())
    deadline = time.monotonic() + max_wait_seconds()
    while True:
        video = json_body(_call(provider, token, "GET", url, resumed=resumed))
        status = str(video.get("status") or "")
        if status not in PROCESSING:
            break
        if time.monotonic() + interval > deadline:
            raise pb.Transient(
                f"LinkedIn: video {urn} still processing after {max_wait_seconds():g} s; "
                "will check again"
            )
        time.sleep(interval)
    if status == "AVAILABLE":
        checkpoint(video_ready=True)
        return urn
    # This upload is spent: a retry by hand starts a new one.
    checkpoint(video_urn=None, video_finalized=False)
    reason = str(video.get("processingFailureReason") or status or "no status")
    raise pb.Rejected(f"LinkedIn could not process the video: {reason}", reason=reason)
