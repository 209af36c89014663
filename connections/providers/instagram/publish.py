"""Instagram publishing (PLATFORMS.md §1.3-1.5): a container per image (children of a carousel
first, then the CAROUSEL parent carrying the caption), polled until FINISHED, then
`media_publish`, then the permalink read back. JPEG images, MP4/MOV videos (a single video is
a Reel, videos in a carousel are VIDEO children: connections/providers/instagram/video.py);
every post needs media.

Resumable and never double-posting: every container id is checkpointed the moment it is known
(`children`, `container_id`), and the container about to be published is checkpointed *before*
`media_publish` is sent (`publish_pending`, `pending_since`). A retry reuses containers that
are still usable (FINISHED, or IN_PROGRESS: polled again) and creates only what is dead
(EXPIRED, or ERROR with a transient cause). A container whose publish was sent and never
answered is looked at first: PUBLISHED means the post exists, so it is found, not re-sent.

The 24-hour publishing quota is read (`content_publishing_limit`) before any container is
created: a full quota raises QuotaExceeded for when the oldest publish leaves the window.
https://developers.facebook.com/docs/instagram-platform/content-publishing/
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from connections.providers import base as pb
from connections.providers.http import json_body
from connections.providers.instagram import video
from connections.providers.instagram.errors import TRANSIENT_SUBCODES, meaning

MAX_CAROUSEL = 10
MAX_PAGES = 10  # media listing pages read when looking a post up (100 posts a page)
QUOTA_DURATION = 86400  # the documented window when the API does not say
# Clock skew between us and Instagram when comparing our times with its timestamps.
SKEW = timedelta(minutes=2)
_SUBCODE = re.compile(r"\b(2207\d{3})\b")

FINISHED, IN_PROGRESS, ERROR, EXPIRED, PUBLISHED = (
    "FINISHED", "IN_PROGRESS", "ERROR", "EXPIRED", "PUBLISHED",
)  # fmt: skip


def _url(provider, path: str) -> str:
    return provider.setting("API_BASE").rstrip("/") + path


def _get(provider, token: pb.TokenSet, path: str, **params: Any) -> dict[str, Any]:
    response = provider.http.request(
        "GET", _url(provider, path), bearer=token.access_token, params=params
    )
    return json_body(response)


def _post(provider, token: pb.TokenSet, path: str, data: dict[str, Any]) -> dict[str, Any]:
    response = provider.http.request(
        "POST", _url(provider, path), bearer=token.access_token, data=data
    )
    return json_body(response)


# --- What to publish ---------------------------------------------------------------------


def _caption(content: pb.PostContent) -> str:
    caption = content.text
    if content.link and content.link not in caption:
        # Links in captions are not clickable, but a reader can still copy the address.
        caption = f"{caption}\n{content.link}".strip()
    return caption


def _images(content: pb.PostContent) -> list[pb.MediaItem]:
    """The images to publish, or Rejected before any call is made."""
    if not content.media:
        raise pb.Rejected(
            "Instagram: a post needs at least one image; text-only posts cannot be published",
            reason="Instagram needs an image",
        )
    video.refuse_unsupported(content)
    not_jpeg = [
        m
        for m in content.media
        if not video.is_video(m) and m.mime.lower() not in ("image/jpeg", "image/jpg")
    ]
    if not_jpeg:
        raise pb.Rejected(
            f"Instagram: only JPEG images can be published (got {not_jpeg[0].mime})",
            reason="Instagram takes JPEG images only",
        )
    if len(content.media) > MAX_CAROUSEL:
        raise pb.Rejected(
            f"Instagram: a carousel holds at most {MAX_CAROUSEL} images "
            f"({len(content.media)} attached)",
            reason="too many images for Instagram",
        )
    return list(content.media)


def _marker(moment: datetime | None = None) -> str:
    return (moment or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_time(value: Any) -> datetime | None:
    """Graph timestamps look like 2025-03-01T10:00:00+0000; our markers end in Z."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


# --- Quota -------------------------------------------------------------------------------


def _check_quota(provider, token: pb.TokenSet, account_id: str) -> None:
    body = _get(
        provider, token, f"/{account_id}/content_publishing_limit", fields="config,quota_usage"
    )
    rows = body.get("data") or []
    row = rows[0] if rows and isinstance(rows[0], dict) else {}
    config = row.get("config") or {}
    usage, total = row.get("quota_usage"), config.get("quota_total")
    if not isinstance(usage, int) or not isinstance(total, int) or usage < total:
        return
    duration = int(config.get("quota_duration") or QUOTA_DURATION)
    raise pb.QuotaExceeded(
        f"Instagram: the account used its {total} publishes of the last {duration // 3600} hours",
        retry_at=_quota_frees_at(provider, token, account_id, duration),
        platform_code="quota",
    )


def _quota_frees_at(provider, token: pb.TokenSet, account_id: str, duration: int) -> datetime:
    """When the oldest publish in the rolling window leaves it: the oldest post the account
    made within the window, plus the window. The quota endpoint gives no times, so we read
    them from the media listing. It also lists posts made in the app, which do not count: then
    the estimate is early, the next attempt finds the quota still full and asks again (it never
    fails for it). When nothing is listed, `now + window` is safe: every counted publish
    happened within the last window, so all of them have left it by then."""
    now = timezone.now()
    window = timedelta(seconds=duration)
    try:
        media = _recent_media(provider, token, account_id, since=now - window, fields="timestamp")
    except pb.ProviderError:
        media = []
    times = [t for t in (_parse_time(m.get("timestamp")) for m in media) if t is not None]
    if not times:
        return now + window
    return max(min(times) + window + timedelta(seconds=5), now + timedelta(seconds=5))


def _with_quota_reset(provider, token: pb.TokenSet, account_id: str, call):
    """Run `call`; a 2207042 from the platform (the quota filled up after our check) gets the
    same retry time as our own check would have given."""
    try:
        return call()
    except pb.QuotaExceeded as error:
        if error.retry_at is not None:
            raise
        raise pb.QuotaExceeded(
            error.message,
            retry_at=_quota_frees_at(provider, token, account_id, QUOTA_DURATION),
            status=error.status,
            platform_code=error.platform_code,
        ) from None


# --- Containers --------------------------------------------------------------------------


def _status(provider, token: pb.TokenSet, container_id: str) -> tuple[str, str]:
    body = _get(provider, token, f"/{container_id}", fields="status_code,status")
    return str(body.get("status_code") or ""), str(body.get("status") or "")


def _subcode(status: str) -> int | None:
    found = _SUBCODE.search(status)
    return int(found.group(1)) if found else None


def _wait(provider, token: pb.TokenSet, container_id: str, deadline: float) -> tuple[str, str]:
    """Poll until the container leaves IN_PROGRESS. Past the deadline: Transient, and the next
    attempt resumes polling the same (checkpointed) container."""
    interval = settings.PUBLISH_INSTAGRAM_POLL_MS / 1000
    while True:
        code, status = _status(provider, token, container_id)
        if code != IN_PROGRESS:
            return code, status
        if time.monotonic() + interval > deadline:
            raise pb.Transient(
                f"Instagram: media {container_id} still processing at the attempt's deadline; "
                "will check again"
            )
        time.sleep(interval)


def _usable(
    provider, token, container_id: str | None, deadline: float, *, fresh: bool = False
) -> str | None:
    """The final state of a container: FINISHED or PUBLISHED keep it. A saved one that is
    EXPIRED or hit a transient ERROR is dropped (None: create a new one); a fresh one in that
    state is a Transient (the next attempt replaces it, after a backoff). Other ERRORs are
    about the content: Rejected, with what the subcode means."""
    if not container_id:
        return None
    code, status = _wait(provider, token, container_id, deadline)
    if code in (FINISHED, PUBLISHED):
        return code
    subcode = _subcode(status)
    if code == ERROR and subcode not in TRANSIENT_SUBCODES:
        what = meaning(subcode)
        raise pb.Rejected(
            f"Instagram: {what} ({subcode or status})",
            reason=what,
            platform_code=f"container/{subcode or ''}",
        )
    if fresh:
        raise pb.Transient(f"Instagram: new media {container_id} is {code}: {status}")
    return None


def _create(provider, token: pb.TokenSet, account_id: str, fields: dict[str, Any]) -> str:
    body = _post(provider, token, f"/{account_id}/media", fields)
    container_id = str(body.get("id") or "")
    if not container_id:
        raise pb.Transient("Instagram: media container created without an id")
    return container_id


def _image_fields(item: pb.MediaItem) -> dict[str, Any]:
    fields: dict[str, Any] = {"image_url": item.url}
    if item.alt_text:
        fields["alt_text"] = item.alt_text
    return fields


def _children(
    provider, token, account_id: str, images, saved: dict[str, Any], checkpoint, deadline
) -> list[str]:
    """One FINISHED carousel-item container per image, in order: the saved ones that are still
    usable, new ones for the rest (all created first, then polled: Instagram processes them
    side by side)."""
    children: list[str] = list(saved.get("children") or [])[: len(images)]
    keep = [bool(_usable(provider, token, child, deadline)) for child in children]
    created: list[str] = []
    for index, item in enumerate(images):
        if index < len(keep) and keep[index]:
            continue
        fields = (
            video.child_fields(item)
            if video.is_video(item)
            else {**_image_fields(item), "is_carousel_item": "true"}
        )
        child = _create(provider, token, account_id, fields)
        if index < len(children):
            children[index] = child
        else:
            children.append(child)
        created.append(child)
        # A new child means a saved parent no longer names the right children.
        checkpoint(children=children, container_id=None)
    for child in created:
        _usable(provider, token, child, deadline, fresh=True)
    return children


def _container(
    provider, token, account_id: str, content: pb.PostContent, saved, checkpoint, deadline
) -> tuple[str, str]:
    """The id and state of a container ready to publish (FINISHED, or PUBLISHED when an
    earlier attempt's publish went through)."""
    images = _images(content)
    parent = saved.get("container_id")
    state = _usable(provider, token, parent, deadline)
    if state:
        return parent, state
    if len(images) == 1 and video.is_video(images[0]):
        fields = video.reel_fields(images[0], _caption(content))
    elif len(images) == 1:
        fields = {**_image_fields(images[0]), "caption": _caption(content)}
    else:
        children = _children(provider, token, account_id, images, saved, checkpoint, deadline)
        fields = {"media_type": "CAROUSEL", "children": ",".join(children)}
        fields["caption"] = _caption(content)
    parent = _create(provider, token, account_id, fields)
    checkpoint(container_id=parent)
    return parent, _usable(provider, token, parent, deadline, fresh=True) or FINISHED


# --- Finding a published post ------------------------------------------------------------


def _recent_media(
    provider, token, account_id: str, *, since: datetime | None, fields: str
) -> list[dict[str, Any]]:
    """The account's media (newest first) since `since`, following the cursors."""
    params: dict[str, Any] = {"fields": fields, "limit": 100}
    if since is not None:
        params["since"] = int(since.timestamp())
    media: list[dict[str, Any]] = []
    for _ in range(MAX_PAGES):
        body = _get(provider, token, f"/{account_id}/media", **params)
        data = body.get("data") or []
        media.extend(m for m in data if isinstance(m, dict))
        paging = body.get("paging") or {}
        after = (paging.get("cursors") or {}).get("after")
        if not paging.get("next") or not after:
            break
        params["after"] = after
    return media


def _find_by_caption(
    provider, token, account_id: str, content: pb.PostContent, since: datetime | None
) -> dict[str, Any] | None:
    caption = _caption(content)
    kind = video.listed_type(content)
    fields = "id,caption,timestamp,permalink,media_type"
    for item in _recent_media(provider, token, account_id, since=since, fields=fields):
        if item.get("caption", "") == caption and item.get("media_type", kind) == kind:
            return item  # newest first: the latest post with this caption
    return None


def _result(media_id: str, permalink: str = "", timestamp: Any = None) -> pb.PublishResult:
    return pb.PublishResult(
        platform_post_id=media_id, permalink=permalink, published_at=_parse_time(timestamp)
    )


def _since(saved: dict[str, Any]) -> datetime | None:
    moment = _parse_time(saved.get("pending_since") or saved.get("started_at"))
    return moment - SKEW if moment else None


def _published_media(provider, token, account_id, content, saved) -> pb.PublishResult:
    """Our container says PUBLISHED: its media is among the account's recent posts."""
    found = _find_by_caption(provider, token, account_id, content, _since(saved))
    if found is None:
        # Published for sure, just not listed yet: never publish again, look again later.
        raise pb.Transient("Instagram: the post was published but is not listed yet")
    return _result(str(found["id"]), str(found.get("permalink") or ""), found.get("timestamp"))


# --- The Publisher protocol --------------------------------------------------------------


def publish(
    provider,
    token: pb.TokenSet,
    *,
    account_id: str,
    content: pb.PostContent,
    saved: dict[str, Any],
    checkpoint: pb.Checkpoint,
) -> pb.PublishResult:
    _images(content)  # refuse what Instagram cannot take before any call
    if saved.get("media_id"):
        return _published(provider, token, account_id, saved["media_id"])
    deadline = time.monotonic() + video.max_wait_seconds(content)
    pending = saved.get("publish_pending")
    if pending:
        # An earlier attempt sent media_publish and never heard back: look before sending.
        code, _ = _status(provider, token, pending)
        if code == PUBLISHED:
            result = _published_media(provider, token, account_id, content, saved)
            checkpoint(media_id=result.platform_post_id, publish_pending=None)
            return result
    _check_quota(provider, token, account_id)
    if not saved.get("started_at"):
        # Saved only once containers are about to exist: a job the quota put off keeps no ids.
        checkpoint(started_at=_marker())
    container, state = _container(provider, token, account_id, content, saved, checkpoint, deadline)
    if state == PUBLISHED:
        result = _published_media(provider, token, account_id, content, saved)
        checkpoint(media_id=result.platform_post_id, publish_pending=None)
        return result
    checkpoint(publish_pending=container, pending_since=_marker())
    body = _with_quota_reset(
        provider, token, account_id,
        lambda: _post(provider, token, f"/{account_id}/media_publish", {"creation_id": container}),
    )  # fmt: skip
    media_id = str(body.get("id") or "")
    if not media_id:
        raise pb.Unknown("Instagram: media_publish answered without a media id")
    checkpoint(media_id=media_id, publish_pending=None)
    return _published(provider, token, account_id, media_id)


def _published(provider, token: pb.TokenSet, account_id: str, media_id: str) -> pb.PublishResult:
    """The post exists: a failed permalink read must not turn that into a failed or retried
    attempt (nor into a second publish by a caller that retries with older saved ids)."""
    try:
        return describe_post(provider, token, account_id=account_id, post_id=media_id)
    except pb.ProviderError:
        return pb.PublishResult(platform_post_id=media_id)


def find_post(
    provider,
    token: pb.TokenSet,
    *,
    account_id: str,
    content: pb.PostContent,
    saved: dict[str, Any],
) -> pb.PublishResult | None:
    """By the saved media id; else by the saved container (PUBLISHED: find its media among
    recent posts; anything else: it was not published, and the next attempt reuses it); else
    by recent posts with the same caption since the attempt began. Nothing saved at all means
    no container was ever created, so nothing can have been published."""
    if saved.get("media_id"):
        return describe_post(provider, token, account_id=account_id, post_id=saved["media_id"])
    container = saved.get("publish_pending") or saved.get("container_id")
    if container:
        code, _ = _status(provider, token, container)
        if code != PUBLISHED:
            return None
        return _published_media(provider, token, account_id, content, saved)
    if not (saved.get("pending_since") or saved.get("started_at")):
        return None
    found = _find_by_caption(provider, token, account_id, content, _since(saved))
    if found is None:
        return None
    return _result(str(found["id"]), str(found.get("permalink") or ""), found.get("timestamp"))


def describe_post(
    provider, token: pb.TokenSet, *, account_id: str, post_id: str
) -> pb.PublishResult:
    # The publish answer carries only the id: the permalink is a read-after-write.
    body = _get(provider, token, f"/{post_id}", fields="id,permalink,timestamp")
    return _result(post_id, str(body.get("permalink") or ""), body.get("timestamp"))
