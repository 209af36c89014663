"""LinkedIn publishing (PLATFORMS.md §3.2-3.3): POST /rest/posts as the member or an
organization they administer; images through /rest/images?action=initializeUpload + PUT, one
video through the Videos API (video.py: chunked, resumable, processed before the post).
https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/posts-api
https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/images-api

Content: one image -> `content.media`, 2-20 -> `content.multiImage`, a link without images ->
`content.article` (the Posts API does not scrape previews, so the card title is the post's
`link_title` option or the link's host); a link with images goes into the commentary instead.

Resumable: each image URN is checkpointed (`image_urns`) the moment its bytes are stored, so a
retry uploads only what is missing; `pending_since` is checkpointed just before the post is
sent and `post_urn` as soon as the 201 names it.

Reconciling: `find_post` reads the saved URN, else the author's recent posts for the same
commentary. Reading a member's posts needs r_member_social, a private permission apps do not
get, so for members LinkedIn answers 403 and find_post reports "not posted": the job is sent
again and LinkedIn's duplicate check answers 422 naming the live post, which publishing counts
as success. (A member post with no commentary has nothing for that check to match; it is the
one case a lost answer could post twice.)
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlsplit

import requests
from django.conf import settings

from connections.providers import base as pb
from connections.providers.http import json_body, session_for
from connections.providers.linkedin import video
from connections.providers.linkedin.commentary import to_little_text
from connections.providers.linkedin.oauth import VERSION_HEADERS

PERMALINK = "https://www.linkedin.com/feed/update/{urn}"
IMAGE_MIMES = ("image/jpeg", "image/png", "image/gif")
MAX_IMAGES = 20
PAGE_SIZE = 50
MAX_PAGES = 10


def _rest(provider, path: str) -> str:
    return provider.setting("API_BASE").rstrip("/") + "/rest" + path


def _images(content: pb.PostContent) -> list[pb.MediaItem]:
    if video.video_item(content) is not None:
        return []  # a video post (video.py)
    if any(not item.mime.startswith("image/") for item in content.media):
        raise pb.Rejected("LinkedIn: only images or one video can be posted")
    if any(item.mime not in IMAGE_MIMES for item in content.media):
        raise pb.Rejected("LinkedIn: images must be JPEG, PNG or GIF")
    if len(content.media) > MAX_IMAGES:
        raise pb.Rejected(f"LinkedIn: at most {MAX_IMAGES} images per post")
    return list(content.media)


def _commentary(content: pb.PostContent, *, with_images: bool) -> str:
    text = content.text
    if with_images and content.link and content.link not in text:
        # No article card next to images: the link goes in the text.
        text = f"{text}\n{content.link}".strip()
    return to_little_text(text)


def _read_media(item: pb.MediaItem) -> bytes:
    timeout = (settings.PLATFORM_CONNECT_TIMEOUT, settings.PLATFORM_READ_TIMEOUT)
    try:
        fetched = session_for("media").get(item.url, timeout=timeout)
    except requests.RequestException:
        raise pb.Transient(f"LinkedIn: media {item.url} could not be read") from None
    if fetched.status_code != 200 or not fetched.content:
        raise pb.Rejected(f"LinkedIn: media {item.url} could not be read ({fetched.status_code})")
    return fetched.content


def _upload_image(provider, token: pb.TokenSet, *, owner: str, item: pb.MediaItem) -> str:
    """initializeUpload (an image URN and a one-time upload URL), then one PUT of the bytes.
    No status polling: member tokens may not read image status, and a JPEG/PNG/GIF is usable
    once its PUT is answered."""
    data = _read_media(item)
    response = provider.http.request(
        "POST",
        _rest(provider, "/images"),
        bearer=token.access_token,
        headers=VERSION_HEADERS,
        params={"action": "initializeUpload"},
        json={"initializeUploadRequest": {"owner": owner}},
    )
    value = json_body(response).get("value") or {}
    upload_url, urn = str(value.get("uploadUrl") or ""), str(value.get("image") or "")
    if not upload_url or not urn:
        raise pb.Transient("LinkedIn: initializeUpload answered without an upload URL")
    provider.http.request(
        "PUT",
        upload_url,
        bearer=token.access_token,
        headers={"Content-Type": item.mime},
        data=data,
    )
    return urn


def _content(content: pb.PostContent, images: list[pb.MediaItem], urns: list[str]) -> dict:
    if len(urns) == 1:
        media: dict[str, Any] = {"id": urns[0]}
        if images[0].alt_text:
            media["altText"] = images[0].alt_text
        return {"media": media}
    if urns:
        entries = []
        for item, urn in zip(images, urns, strict=True):
            entry = {"id": urn}
            if item.alt_text:
                entry["altText"] = item.alt_text
            entries.append(entry)
        return {"multiImage": {"images": entries}}
    if content.link:
        title = str(content.options.get("link_title") or "")
        host = urlsplit(content.link).hostname or content.link
        return {"article": {"source": content.link, "title": title or host.removeprefix("www.")}}
    return {}


def _since_marker() -> int:
    # Epoch milliseconds, as LinkedIn reports times, a little early for clock skew.
    return int((datetime.now(UTC) - timedelta(minutes=2)).timestamp() * 1000)


def _result(urn: str, published_ms: Any = None) -> pb.PublishResult:
    published_at = (
        datetime.fromtimestamp(published_ms / 1000, tz=UTC)
        if isinstance(published_ms, int | float)
        else None
    )
    return pb.PublishResult(
        platform_post_id=urn, permalink=PERMALINK.format(urn=urn), published_at=published_at
    )


def publish(
    provider,
    token: pb.TokenSet,
    *,
    account_id: str,
    content: pb.PostContent,
    saved: dict[str, Any],
    checkpoint: pb.Checkpoint,
) -> pb.PublishResult:
    if saved.get("post_urn"):
        return _result(str(saved["post_urn"]))  # the 201 of an earlier attempt named it
    images = _images(content)
    urns: list[str] = [str(u) for u in saved.get("image_urns") or []][: len(images)]
    for item in images[len(urns) :]:
        urns.append(_upload_image(provider, token, owner=account_id, item=item))
        checkpoint(image_urns=list(urns))
    clip = video.video_item(content)
    if clip is not None:
        video_urn = video.upload(
            provider, token, owner=account_id, item=clip, saved=saved, checkpoint=checkpoint
        )
    body: dict[str, Any] = {
        "author": account_id,
        "commentary": _commentary(content, with_images=bool(content.media)),
        "visibility": "PUBLIC",
        "distribution": {
            "feedDistribution": "MAIN_FEED",
            "targetEntities": [],
            "thirdPartyDistributionChannels": [],
        },
        "lifecycleState": "PUBLISHED",
        "isReshareDisabledByAuthor": False,
    }
    if clip is not None:
        body["content"] = {"media": {"id": video_urn}}
    elif post_content := _content(content, images, urns):
        body["content"] = post_content
    checkpoint(pending_since=_since_marker())
    response = provider.http.request(
        "POST", _rest(provider, "/posts"), bearer=token.access_token, headers=VERSION_HEADERS,
        json=body,
    )  # fmt: skip
    urn = response.headers.get("x-restli-id", "")
    if not urn:
        raise pb.Unknown("LinkedIn: the post was answered without its URN (x-restli-id)")
    checkpoint(post_urn=urn)
    return _result(urn)


def _get_post(provider, token: pb.TokenSet, urn: str) -> dict[str, Any] | None:
    """The post, or None when LinkedIn will not show it (403: no read permission, 404)."""
    try:
        response = provider.http.request(
            "GET", _rest(provider, f"/posts/{quote(urn, safe='')}"), bearer=token.access_token,
            headers=VERSION_HEADERS,
        )  # fmt: skip
    except pb.Rejected as error:
        if error.status in (403, 404):
            return None
        raise
    return json_body(response)


def _recent(provider, token: pb.TokenSet, author: str, since_ms: int | None):
    """The author's posts, most recently modified first, page by page, back to `since_ms`."""
    start = 0
    for _ in range(MAX_PAGES):
        params = {
            "q": "author",
            "author": author,
            "count": PAGE_SIZE,
            "start": start,
            "sortBy": "LAST_MODIFIED",
        }
        response = provider.http.request(
            "GET", _rest(provider, "/posts"), bearer=token.access_token, headers=VERSION_HEADERS,
            params=params,
        )  # fmt: skip
        elements = json_body(response).get("elements") or []
        yield from elements
        if len(elements) < PAGE_SIZE:
            return
        oldest = elements[-1].get("lastModifiedAt") or elements[-1].get("createdAt")
        if since_ms is not None and isinstance(oldest, int) and oldest < since_ms:
            return
        start += len(elements)


def _content_urns(element: dict[str, Any]) -> list[str]:
    content = element.get("content") or {}
    if "media" in content:
        return [str(content["media"].get("id", ""))]
    return [str(i.get("id", "")) for i in (content.get("multiImage") or {}).get("images", [])]


def _is_ours(element: dict[str, Any], commentary: str, image_urns: list[str]) -> bool:
    if element.get("lifecycleState", "PUBLISHED") != "PUBLISHED":
        return False
    if commentary:
        # LinkedIn refuses the same commentary twice from one author: it names one post.
        return element.get("commentary") == commentary
    return bool(image_urns) and _content_urns(element) == image_urns


def find_post(
    provider,
    token: pb.TokenSet,
    *,
    account_id: str,
    content: pb.PostContent,
    saved: dict[str, Any],
) -> pb.PublishResult | None:
    urn = str(saved.get("post_urn") or "")
    if urn:
        # The 201 named it: it was posted. Read it for its time where we may.
        post = _get_post(provider, token, urn) or {}
        return _result(urn, post.get("publishedAt"))
    commentary = _commentary(content, with_images=bool(content.media))
    video_urns = [saved["video_urn"]] if saved.get("video_urn") else []
    image_urns = [str(u) for u in saved.get("image_urns") or video_urns]
    since = saved.get("pending_since")
    try:
        for element in _recent(provider, token, account_id, since if since else None):
            if _is_ours(element, commentary, image_urns):
                return _result(str(element.get("id", "")), element.get("publishedAt"))
    except pb.Rejected as error:
        if error.status == 403:
            # No read permission (member posts): see the module docstring.
            return None
        raise
    return None


def describe_post(
    provider, token: pb.TokenSet, *, account_id: str, post_id: str
) -> pb.PublishResult:
    return _result(post_id)
