"""Sandbox Page publishing, faithfully enough to test against (PLATFORMS.md §2.2, §2.4, §2.5,
§6): every call needs the Page's own token with `pages_manage_posts`.

- POST /{page-id}/feed {message, link, attached_media: [{media_fbid}], published}
  -> {"id": "{page-id}_{post-id}"} plus what `fields=` asks for (permalink_url...).
  The same message again on the same Page -> code 506 "Duplicate status message"; photos that
  are already in a post -> subcode 1366051.
- POST /{page-id}/photos {url | multipart source, message, published}: the sandbox really
  fetches `url`. Unreachable -> subcode 2061006; not an image -> 2069019; over 4 MB -> 1366046.
  Published -> {"id": photo-id, "post_id": "{page-id}_{post-id}"}; unpublished -> {"id"}, to be
  attached to a feed post within SANDBOX_FACEBOOK_UNPUBLISHED_TTL seconds (default 24 h).
Accepted posts are SandboxPost rows (kind status/link/photo/album); photos are SandboxMedia
(state unpublished/attached/published). Every answer carries the usage headers (usage.py).
"""

from __future__ import annotations

import os
from datetime import timedelta

import requests
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from sandbox.common import endpoint, json_response
from sandbox.facebook import graph
from sandbox.meta import graph_error
from sandbox.published.models import SandboxMedia, SandboxPost

P = "facebook"
MAX_MESSAGE = 63206


def _max_photo_bytes() -> int:
    return int(os.environ.get("SANDBOX_FACEBOOK_MAX_PHOTO_BYTES", "") or 4 * 1024 * 1024)


def _unpublished_ttl() -> timedelta:
    return timedelta(seconds=int(os.environ.get("SANDBOX_FACEBOOK_UNPUBLISHED_TTL", "") or 86400))


def _invalid(message: str, subcode: int | None = None) -> HttpResponse:
    return graph_error(message, code=100, subcode=subcode)


def _duplicate(page_id: str, message: str) -> HttpResponse | None:
    live = SandboxPost.objects.filter(
        platform=P, account_id=page_id, text=message, deleted_at__isnull=True
    )
    if message and live.exists():
        return graph_error("(#506) Duplicate status message", code=506)
    return None


def _answer(post: SandboxPost, request: HttpRequest) -> HttpResponse:
    """{"id"}, plus whatever `fields=` asked for: read-after-write (permalink_url...)."""
    return json_response(graph.post_node(post, graph.fields(request, "id")))


# --- POST /{page-id}/feed ------------------------------------------------------------------


def _attached_ids(value) -> list[str] | None:
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        return None
    ids = []
    for item in value:
        fbid = item.get("media_fbid") if isinstance(item, dict) else None
        if not fbid:
            return None
        ids.append(str(fbid))
    return ids


def _feed_create(request: HttpRequest, page_id: str) -> HttpResponse:
    graph.page_token(request, page_id, scope="pages_manage_posts")
    try:
        body = graph.params(request)
    except ValueError as exc:
        return _invalid(f"(#100) {exc}")
    message, link = str(body.get("message") or ""), str(body.get("link") or "")
    attached = _attached_ids(body.get("attached_media"))
    if attached is None:
        return _invalid("(#100) param attached_media must be an array of {media_fbid} objects")
    if not (message or link or attached):
        return _invalid("(#100) Missing message or attachment")
    if not graph.truthy(body.get("published")):
        return _invalid("(#100) The sandbox publishes posts now; scheduling is not modelled")
    if len(message) > MAX_MESSAGE:
        return _invalid("(#100) Message is too long")
    if link and not link.startswith(("http://", "https://")):
        return _invalid("(#100) link URL is not properly formatted", 1609005)
    photos = list(SandboxMedia.objects.filter(platform=P, media_id__in=attached))
    by_id = {photo.media_id: photo for photo in photos}
    oldest_usable = timezone.now() - _unpublished_ttl()
    for fbid in attached:
        photo = by_id.get(fbid)
        if photo is None or photo.account_id != page_id or photo.created_at < oldest_usable:
            return _invalid(f"(#100) Invalid media_fbid: {fbid}")
        if photo.state != "unpublished":
            return _invalid("These photos were already posted.", 1366051)
    duplicate = _duplicate(page_id, message)
    if duplicate is not None:
        return duplicate
    kind = "album" if attached else ("link" if link else "status")
    post = SandboxPost.objects.create(
        platform=P,
        account_id=page_id,
        post_id=f"{page_id}_{graph.new_id()}",
        text=message,
        media_ids=attached,
        payload=body,
        kind=kind,
    )
    for photo in photos:
        photo.state = "attached"
        photo.payload = {**photo.payload, "post_id": post.post_id}
        photo.save(update_fields=["state", "payload"])
    return _answer(post, request)


@endpoint(P, "feed_publish", scope="publish")
def feed_publish(request: HttpRequest, page_id: str) -> HttpResponse:
    return graph.metered(request, page_id, lambda: _feed_create(request, page_id))


# --- POST /{page-id}/photos ----------------------------------------------------------------


def _fetch(url: str) -> tuple[bytes, str] | HttpResponse:
    """Download the photo like Facebook's crawler would: the URL must answer 200 with an
    image, no larger than the limit."""
    limit = _max_photo_bytes()
    try:
        with requests.get(url, timeout=(3, 10), stream=True) as fetched:
            if fetched.status_code != 200:
                return _invalid("(#100) url should represent a valid URL", 2061006)
            mime = fetched.headers.get("Content-Type", "").split(";")[0].strip()
            data = b""
            for chunk in fetched.iter_content(64 * 1024):
                data += chunk
                if len(data) > limit:
                    break
    except (requests.RequestException, ValueError):
        return _invalid("(#100) url should represent a valid URL", 2061006)
    return data, mime


def _photo_bytes(request: HttpRequest, body: dict) -> tuple[bytes, str] | HttpResponse:
    upload = request.FILES.get("source")
    if upload is not None:
        return upload.read(_max_photo_bytes() + 1), upload.content_type or ""
    url = str(body.get("url") or "")
    if not url.startswith(("http://", "https://")):
        return _invalid("(#100) url should represent a valid URL", 2061006)
    return _fetch(url)


def _photos_create(request: HttpRequest, page_id: str) -> HttpResponse:
    graph.page_token(request, page_id, scope="pages_manage_posts")
    try:
        body = graph.params(request)
    except ValueError as exc:
        return _invalid(f"(#100) {exc}")
    got = _photo_bytes(request, body)
    if isinstance(got, HttpResponse):
        return got
    data, mime = got
    if len(data) > _max_photo_bytes():
        return _invalid(
            "Your photos couldn't be uploaded. Photos should be smaller than 4 MB and saved as "
            "JPG, PNG, GIF, TIFF, HEIF or WebP files.",
            1366046,
        )
    if not mime.startswith("image/") or not data:
        return _invalid("Invalid file: the URL does not point to an image.", 2069019)
    message = str(body.get("message") or body.get("caption") or "")
    published = graph.truthy(body.get("published"))
    if published:
        duplicate = _duplicate(page_id, message)
        if duplicate is not None:
            return duplicate
    photo = SandboxMedia.objects.create(
        platform=P,
        account_id=page_id,
        media_id=graph.new_id(),
        mime=mime,
        size_bytes=len(data),
        state="published" if published else "unpublished",
        payload={"url": str(body.get("url") or ""), "message": message},
    )
    if not published:
        return json_response({"id": photo.media_id})
    post = SandboxPost.objects.create(
        platform=P,
        account_id=page_id,
        post_id=f"{page_id}_{graph.new_id()}",
        text=message,
        media_ids=[photo.media_id],
        payload=body,
        kind="photo",
    )
    photo.payload = {**photo.payload, "post_id": post.post_id}
    photo.save(update_fields=["payload"])
    return json_response({"id": photo.media_id, "post_id": post.post_id})


@endpoint(P, "photos_publish", scope="publish")
def photos_publish(request: HttpRequest, page_id: str) -> HttpResponse:
    return graph.metered(request, page_id, lambda: _photos_create(request, page_id))
