"""X video and GIF upload (PLATFORMS.md §4.2): the chunked v2 media endpoints.

1. POST /2/media/upload/initialize {media_type, total_bytes, media_category} -> data.id
2. POST /2/media/upload/{id}/append, multipart `segment_index` + `media`, one per chunk
3. POST /2/media/upload/{id}/finalize -> data.processing_info {state, check_after_secs}
4. GET /2/media/upload?command=STATUS&media_id=… until `succeeded` or `failed`
https://docs.x.com/x-api/media/quickstart/media-upload-chunked (its `command=INIT` form is
stale: the dedicated endpoints replaced it in 2025), https://docs.x.com/x-api/media/
media-upload-append (segment_index 0-999), https://docs.x.com/x-api/media/finalize-media-upload.
A video or GIF cannot be used in a post before its processing state is `succeeded`.

Resumable: the upload is checkpointed as it goes, so a retry continues it instead of sending
the file again:
- `upload_id`, `upload_bytes`, `upload_chunk`, `upload_expires_at` right after initialize;
- `upload_next_segment` after each append (a retry reads past the bytes already sent);
- `upload_finalized` after finalize (a retry only polls the status);
- `media_ids` and `upload_ready` once processing succeeded (a retry reuses the media).
A new upload is started only when the saved one is gone: past the expiry X gave
(`expires_after_secs`), or refused by X (4xx: expired or unknown media id).
"""

from __future__ import annotations

import math
import time
from typing import Any

from config import env
from connections.providers import base as pb
from connections.providers.http import json_body
from connections.providers.media_source import (
    MediaStream,
    MiB,
    max_wait_seconds,
    open_media,
    poll_max_seconds,
)

DEFAULT_CHUNK_BYTES = 4 * MiB
MAX_CHUNK_BYTES = 5 * MiB  # an appended segment may be at most 5 MB
MAX_SEGMENTS = 1000  # segment_index 0-999
# An upload this close to its expiry is started again rather than finished late.
EXPIRY_MARGIN_SECONDS = 60
WAITING = ("pending", "in_progress")


def is_chunked(item: pb.MediaItem) -> bool:
    """Videos and GIFs go through the chunked upload (animated GIFs need `tweet_gif`)."""
    return item.mime == "image/gif" or item.mime.startswith("video/")


def chunk_bytes() -> int:
    """The segment size for new uploads (X_MEDIA_CHUNK_BYTES; tests make it small)."""
    return min(env.integer("X_MEDIA_CHUNK_BYTES", DEFAULT_CHUNK_BYTES, minimum=1), MAX_CHUNK_BYTES)


def _api(provider, path: str) -> str:
    return provider.setting("API_BASE").rstrip("/") + path


def _category(item: pb.MediaItem) -> str:
    return "tweet_gif" if item.mime == "image/gif" else "tweet_video"


def _alive(saved: dict[str, Any]) -> bool:
    expires = saved.get("upload_expires_at")
    if not isinstance(expires, int | float):
        return True  # X gave no expiry: let it say whether the upload is still there
    return expires - EXPIRY_MARGIN_SECONDS > time.time()


def _expiry(data: dict[str, Any], default: Any = None) -> Any:
    seconds = data.get("expires_after_secs")
    return int(time.time()) + int(seconds) if isinstance(seconds, int) else default


def upload(
    provider,
    token: pb.TokenSet,
    item: pb.MediaItem,
    *,
    saved: dict[str, Any],
    checkpoint: pb.Checkpoint,
) -> str:
    """The media id of `item`, processed and ready to post: reused, resumed or uploaded."""
    ready = saved.get("media_ids") or []
    if saved.get("upload_ready") and ready and _alive(saved):
        return str(ready[0])
    state = dict(saved) if saved.get("upload_id") and _alive(saved) else {}
    try:
        return _run(provider, token, item, state, checkpoint)
    except pb.UploadGone:
        return _run(provider, token, item, {}, checkpoint)


def _run(provider, token, item, state: dict[str, Any], checkpoint) -> str:
    resumed = bool(state.get("upload_id"))
    if not state.get("upload_finalized"):
        with open_media(item, platform="X") as media:
            if resumed and state.get("upload_bytes") != media.size:
                raise pb.UploadGone  # the file changed since that upload began
            if not resumed:
                state = _initialize(provider, token, item, media.size, checkpoint)
            _append(provider, token, media, state, checkpoint, resumed=resumed)
        info = _finalize(provider, token, state, checkpoint, resumed=resumed)
    else:
        info = _status(provider, token, state, resumed=True)
    return _wait(provider, token, item, state, info, checkpoint, resumed=resumed)


def _call(provider, token, method: str, path: str, *, resumed: bool, **kwargs):
    with pb.gone_if_refused(resumed=resumed):
        response = provider.http.request(
            method, _api(provider, path), bearer=token.access_token, **kwargs
        )
    return json_body(response).get("data") or {}


def _initialize(provider, token, item: pb.MediaItem, size: int, checkpoint) -> dict[str, Any]:
    data = _call(
        provider, token, "POST", "/media/upload/initialize", resumed=False,
        json={"media_type": item.mime, "total_bytes": size, "media_category": _category(item)},
    )  # fmt: skip
    media_id = str(data.get("id") or "")
    if not media_id:
        raise pb.Transient("X: media upload initialize answered without an id")
    state = {
        "upload_id": media_id,
        "upload_bytes": size,
        # Fixed for this upload: a resumed upload must cut the same segments.
        "upload_chunk": max(chunk_bytes(), math.ceil(size / MAX_SEGMENTS)),
        "upload_expires_at": _expiry(data),
        "upload_next_segment": 0,
        "upload_finalized": False,
        "upload_ready": False,
    }
    checkpoint(**state)
    return state


def _append(provider, token, media: MediaStream, state, checkpoint, *, resumed: bool) -> None:
    media_id, chunk = state["upload_id"], int(state["upload_chunk"])
    segments = math.ceil(media.size / chunk)
    for index in range(int(state.get("upload_next_segment") or 0), segments):
        first = index * chunk
        data = media.read_range(first, min(media.size, first + chunk) - 1)
        _call(
            provider, token, "POST", f"/media/upload/{media_id}/append", resumed=resumed,
            data={"segment_index": str(index)},
            files={"media": ("segment", data, "application/octet-stream")},
        )  # fmt: skip
        state["upload_next_segment"] = index + 1
        checkpoint(upload_next_segment=index + 1)


def _finalize(provider, token, state, checkpoint, *, resumed: bool) -> dict[str, Any]:
    data = _call(
        provider, token, "POST", f"/media/upload/{state['upload_id']}/finalize", resumed=resumed
    )
    state["upload_finalized"] = True
    state["upload_expires_at"] = _expiry(data, state.get("upload_expires_at"))
    checkpoint(upload_finalized=True, upload_expires_at=state["upload_expires_at"])
    return data


def _status(provider, token, state, *, resumed: bool) -> dict[str, Any]:
    return _call(
        provider, token, "GET", "/media/upload", resumed=resumed,
        params={"command": "STATUS", "media_id": state["upload_id"]},
    )  # fmt: skip


def _wait(provider, token, item, state, data: dict[str, Any], checkpoint, *, resumed) -> str:
    """Poll STATUS as X asks (check_after_secs, capped) until processing ends. Past this
    attempt's deadline: Transient, and the next attempt polls the same upload again."""
    media_id = state["upload_id"]
    deadline = time.monotonic() + max_wait_seconds()
    info = data.get("processing_info") or {}
    while info.get("state") in WAITING:
        wait = min(float(info.get("check_after_secs") or 1), poll_max_seconds())
        if time.monotonic() + wait > deadline:
            raise pb.Transient(
                f"X: media {media_id} still processing after {max_wait_seconds():g} s; "
                "will check again"
            )
        time.sleep(wait)
        data = _status(provider, token, state, resumed=resumed)
        info = data.get("processing_info") or {}
    if info.get("state") == "failed":
        error = info.get("error") or {}
        reason = str(error.get("message") or error.get("name") or "processing failed")
        # This upload is spent: a retry by hand starts a new one.
        checkpoint(upload_id=None, upload_finalized=False)
        kind = "GIF" if item.mime == "image/gif" else "video"
        raise pb.Rejected(
            f"X could not process the {kind}: {reason}",
            reason=reason,
            platform_code=str(error.get("name") or ""),
        )
    if info and info.get("state") != "succeeded":
        raise pb.Transient(f"X: media {media_id} in an unexpected state {info.get('state')!r}")
    expires = _expiry(data, state.get("upload_expires_at"))
    checkpoint(media_ids=[media_id], upload_ready=True, upload_expires_at=expires)
    return media_id
