"""Sandbox Instagram media reads: one published media object (`GET /{ig-media-id}`) and the
account's media edge (`GET /{ig-user-id}/media`), as the Graph API answers them: `fields`
selection (unknown fields are error 100), newest first, `limit`, cursor paging
(`paging.cursors.before/after`, `paging.next/previous`) and `since`/`until` unix-time bounds.
Publishing uses the edge to find its posts; analytics uses it for backfill.
"""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse

from sandbox.identities import INSTAGRAM_ACCOUNT
from sandbox.meta import graph_error
from sandbox.published.models import SandboxPost
from sandbox.responses import json_response

P = "instagram"
MEDIA_FIELDS = {
    "id", "caption", "media_type", "media_product_type", "media_url", "permalink", "shortcode",
    "timestamp", "username", "like_count", "comments_count", "is_comment_enabled", "owner",
    "children", "alt_text",
}  # fmt: skip
DEFAULT_LIMIT, MAX_LIMIT = 25, 100
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def split_fields(raw: str) -> list[tuple[str, str]]:
    """'id,children{media_url,id}' -> [('id', ''), ('children', 'media_url,id')]."""
    fields: list[tuple[str, str]] = []
    depth, start = 0, 0
    for at, char in enumerate(raw + ","):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == "," and depth == 0:
            part = raw[start:at].strip()
            start = at + 1
            if part:
                name, _, sub = part.partition("{")
                fields.append((name.strip(), sub.rstrip("}")))
    return fields


def unknown_field(fields: list[tuple[str, str]], known: set[str], node: str) -> HttpResponse | None:
    for name, _ in fields:
        if name not in known:
            return graph_error(
                f"(#100) Tried accessing nonexisting field ({name}) on node type ({node})",
                code=100,
            )
    return None


def timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def shortcode(media_id: str) -> str:
    """Instagram's shortcodes are the media id in a base64 alphabet."""
    number, code = int(media_id), ""
    while number:
        number, digit = divmod(number, 64)
        code = _ALPHABET[digit] + code
    return code or "A"


def permalink(media_id: str) -> str:
    return f"https://www.instagram.com/p/{shortcode(media_id)}/"


def media_json(post: SandboxPost, fields: list[tuple[str, str]]) -> dict:
    container = post.payload.get("container") or {}
    children = post.payload.get("children") or []
    first = children[0] if children else container
    metrics = post.metrics or {}
    values = {
        "id": post.post_id,
        "caption": post.text,
        "media_type": post.kind or "IMAGE",
        "media_product_type": "FEED",
        "media_url": first.get("image_url", ""),
        "permalink": permalink(post.post_id),
        "shortcode": shortcode(post.post_id),
        "timestamp": timestamp(post.created_at),
        "username": INSTAGRAM_ACCOUNT["username"]
        if post.account_id == INSTAGRAM_ACCOUNT["user_id"]
        else "",
        # Counts come from the seeded metrics only; the sandbox invents none.
        "like_count": int(metrics.get("like_count", metrics.get("likes", 0)) or 0),
        "comments_count": int(metrics.get("comments_count", metrics.get("comments", 0)) or 0),
        "is_comment_enabled": True,
        "owner": {"id": post.account_id},
        "alt_text": container.get("alt_text", ""),
    }
    body: dict = {}
    for name, sub in fields or [("id", "")]:
        if name == "children":
            if post.kind == "CAROUSEL_ALBUM":
                wanted = [f for f, _ in split_fields(sub)] or ["id"]
                ids = post.media_ids or []
                body["children"] = {
                    "data": [
                        {k: v for k, v in _child(cid, child).items() if k in wanted or k == "id"}
                        for cid, child in zip(ids, children, strict=False)
                    ]
                }
            continue
        if name == "caption" and not post.text:
            continue  # Graph omits an empty caption
        body[name] = values[name]
    body.setdefault("id", post.post_id)
    return body


def _child(child_id: str, fields: dict) -> dict:
    return {"id": child_id, "media_type": "IMAGE", "media_url": fields.get("image_url", "")}


def _cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(f"sbx-ig:{pk}".encode()).decode().rstrip("=")


def _uncursor(value: str) -> int | None:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    prefix, _, pk = raw.partition(":")
    return int(pk) if prefix == "sbx-ig" and pk.isdigit() else None


def _unix(value: str) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(value), tz=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def list_media(request: HttpRequest, account_id: str) -> HttpResponse:
    fields = split_fields(request.GET.get("fields", "") or "id")
    refused = unknown_field(fields, MEDIA_FIELDS, "IGMedia")
    if refused is not None:
        return refused
    try:
        limit = min(max(int(request.GET.get("limit") or DEFAULT_LIMIT), 1), MAX_LIMIT)
    except ValueError:
        return graph_error("(#100) Param limit must be an integer", code=100)
    posts = SandboxPost.objects.filter(platform=P, account_id=account_id, deleted_at__isnull=True)
    for param, lookup in (("since", "created_at__gte"), ("until", "created_at__lte")):
        if request.GET.get(param):
            moment = _unix(request.GET[param])
            if moment is None:
                return graph_error(f"(#100) Param {param} must be a unix timestamp", code=100)
            posts = posts.filter(**{lookup: moment})
    after, before = request.GET.get("after"), request.GET.get("before")
    if after or before:
        pk = _uncursor(after or before or "")
        if pk is None:
            return graph_error("(#100) Invalid cursor", code=100)
    if before:
        # The page just newer than the cursor, still shown newest first.
        page = list(posts.filter(id__gt=pk).order_by("id")[: limit + 1])
        more_newer, more_older = len(page) > limit, True
        page = list(reversed(page[:limit]))
    else:
        if after:
            posts = posts.filter(id__lt=pk)
        page = list(posts.order_by("-id")[: limit + 1])
        more_older, more_newer = len(page) > limit, bool(after)
        page = page[:limit]
    body: dict = {"data": [media_json(post, fields) for post in page]}
    if page:
        cursors = {"before": _cursor(page[0].pk), "after": _cursor(page[-1].pk)}
        paging: dict = {"cursors": cursors}
        keep = {
            k: v for k, v in request.GET.items() if k not in ("access_token", "after", "before")
        }
        base = request.build_absolute_uri(request.path)
        if more_older:
            paging["next"] = f"{base}?{urlencode({**keep, 'after': cursors['after']})}"
        if more_newer:
            paging["previous"] = f"{base}?{urlencode({**keep, 'before': cursors['before']})}"
        body["paging"] = paging
    return json_response(body)
