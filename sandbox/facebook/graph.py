"""What the sandbox Page endpoints share: Graph-style parameters (query string plus a JSON or
form body), Page-token checks, ids, `fields=` rendering of posts and photos, and the wrapper
that meters every call against the Page's budget and stamps the usage headers on the answer.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from sandbox import tokens
from sandbox.facebook import usage
from sandbox.meta import graph_error, token_error
from sandbox.models import SandboxToken
from sandbox.published.models import SandboxMedia, SandboxPost

P = "facebook"
PERMALINK = "https://www.facebook.com/{page}/posts/{story}"
PHOTO_LINK = "https://www.facebook.com/photo.php?fbid={photo}"
_NOT_PARAMS = {"access_token", "fields"}


def new_id() -> str:
    """Numeric, time-ordered, like Graph object ids."""
    return str(int(time.time() * 1000) * 10_000 + secrets.randbelow(10_000))


def params(request: HttpRequest) -> dict[str, Any]:
    """Graph takes parameters in the query string, a form body or a JSON body alike. Form
    values that carry structure (attached_media) are JSON strings, or `name[i]` keys."""
    merged: dict[str, Any] = {k: v for k, v in request.GET.items() if k not in _NOT_PARAMS}
    if request.method == "POST":
        if request.content_type == "application/json":
            try:
                body = json.loads(request.body or b"{}")
            except ValueError:
                body = None
            if not isinstance(body, dict):
                raise ValueError("The request body is not a JSON object.")
            merged.update(body)
        else:
            indexed: dict[str, list[tuple[int, Any]]] = {}
            for key, value in request.POST.items():
                if key in _NOT_PARAMS:
                    continue
                name, _, rest = key.partition("[")
                if rest.endswith("]") and rest[:-1].isdigit():
                    indexed.setdefault(name, []).append((int(rest[:-1]), _maybe_json(value)))
                else:
                    merged[key] = _maybe_json(value) if key == "attached_media" else value
            for name, items in indexed.items():
                merged[name] = [value for _, value in sorted(items, key=lambda item: item[0])]
    return merged


def _maybe_json(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value


def truthy(value: Any, default: bool = True) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    return str(value).lower() in ("true", "1")


def fields(request: HttpRequest, default: str) -> list[str]:
    raw = request.GET.get("fields") or request.POST.get("fields") or default
    return [f.strip() for f in raw.split(",") if f.strip()]


def created_time(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S+0000")


def post_node(post: SandboxPost, wanted: list[str]) -> dict[str, Any]:
    page, _, story = post.post_id.partition("_")
    known = {
        "id": post.post_id,
        "message": post.text or None,  # Graph leaves the field out when there is no text
        "created_time": created_time(post.created_at),
        "permalink_url": PERMALINK.format(page=page, story=story),
    }
    node = {"id": post.post_id}
    node.update({f: known[f] for f in wanted if known.get(f) is not None})
    return node


def photo_node(photo: SandboxMedia, wanted: list[str]) -> dict[str, Any]:
    known = {
        "id": photo.media_id,
        "created_time": created_time(photo.created_at),
        "link": PHOTO_LINK.format(photo=photo.media_id),
        "name": photo.payload.get("message") or None,
        "published": photo.state == "published",
        "page_story_id": photo.payload.get("post_id") if photo.state == "published" else None,
    }
    node = {"id": photo.media_id}
    node.update({f: known[f] for f in wanted if known.get(f) is not None})
    return node


def permission_error() -> HttpResponse:
    return graph_error(
        "(#200) If posting to a page, requires both pages_read_engagement and "
        "pages_manage_posts as an admin with sufficient administrative permission",
        code=200,
    )


def page_token(request: HttpRequest, page_id: str, *, scope: str) -> SandboxToken:
    """The Page's own token, carrying `scope`. Anything else is Graph's code 200 permission
    error, raised as Refused so `metered` answers it with the usage headers."""
    token = tokens.authenticate(request, P)
    if token.kind != SandboxToken.PAGE or token.account_id != page_id:
        raise Refused(permission_error())
    if scope not in token.scopes:
        raise Refused(permission_error())
    return token


class Refused(Exception):
    def __init__(self, response: HttpResponse):
        super().__init__(response.status_code)
        self.response = response


def metered(
    request: HttpRequest, page_id: str, handler: Callable[[], HttpResponse]
) -> HttpResponse:
    """Run `handler` unless the Page or the app is over budget; stamp the usage headers on
    whatever the answer is (errors included, as Graph does)."""
    standing = usage.measure(request, page_id)
    if standing.throttled:
        return standing.apply(standing.error())
    try:
        response = handler()
    except tokens.TokenError as exc:
        response = token_error(exc)
    except Refused as refused:
        response = refused.response
    return standing.apply(response)
