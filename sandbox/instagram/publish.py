"""Sandbox Instagram content publishing, faithfully enough to test against (PLATFORMS.md
§1.3-1.5 and §6):

- POST /{ig-id}/media: an image container (`image_url`, `caption`, `alt_text`), a carousel
  item (`is_carousel_item=true`) or a carousel (`media_type=CAROUSEL`, `children=id,id`, 2-10
  FINISHED items). The image is really downloaded and checked (sandbox/instagram/images.py);
  caption <= 2,200 chars, hashtags <= SANDBOX_INSTAGRAM_HASHTAG_CAP (5, or 30), @-tags <= 20.
  Containers are SandboxMedia rows: IN_PROGRESS for the first SANDBOX_INSTAGRAM_POLLS_TO_FINISH
  status reads (default 1), then FINISHED; EXPIRED 24 h after creation; PUBLISHED once used.
- GET /{container-id}?fields=id,status_code,status, and GET /{media-id} (sandbox/.../media.py).
- POST /{ig-id}/media_publish?creation_id=: FINISHED containers only; one SandboxPost per
  publish (kind IMAGE or CAROUSEL_ALBUM, text = caption); over the rolling 24 h quota
  (SANDBOX_INSTAGRAM_QUOTA_TOTAL, default 50, counted from SandboxPost rows) -> code 9 /
  subcode 2207042.
- GET /{ig-id}/content_publishing_limit?fields=config,quota_usage.
- GET /{ig-id}/media: the account's media, newest first, paged (sandbox/.../media.py).
"""

from __future__ import annotations

import os
import re
import secrets
from datetime import timedelta

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from sandbox import tokens
from sandbox.common import endpoint, json_response
from sandbox.identities import INSTAGRAM_ACCOUNT
from sandbox.instagram import images, media
from sandbox.meta import graph_error
from sandbox.models import SandboxToken
from sandbox.published.models import SandboxMedia, SandboxPost

P = "instagram"
PUBLISH_SCOPE = "instagram_business_content_publish"
WINDOW = timedelta(hours=24)  # the publishing quota's rolling window
CONTAINER_TTL = timedelta(hours=24)
MAX_CAPTION, MAX_MENTIONS = 2200, 20
MIN_CHILDREN, MAX_CHILDREN = 2, 10
IN_PROGRESS, FINISHED, ERROR, EXPIRED, PUBLISHED = (
    "IN_PROGRESS", "FINISHED", "ERROR", "EXPIRED", "PUBLISHED",
)  # fmt: skip
STATUS_TEXT = {
    IN_PROGRESS: "In Progress: Media is still being processed.",
    FINISHED: "Finished: Media has been uploaded and it is ready to be published.",
    EXPIRED: "Expired: Media was not published within 24 hours.",
    PUBLISHED: "Published: Media has been successfully published.",
}
CONTAINER_FIELDS = {"id", "status_code", "status"}
# The container fields we keep as received (the payload a test can inspect).
_KEPT = ("image_url", "caption", "alt_text", "is_carousel_item", "media_type", "location_id")
_HASHTAG = re.compile(r"(?<!\w)#\w+")
_MENTION = re.compile(r"(?<!\w)@[\w.]+")


def _setting(name: str, default: int) -> int:
    return int(os.environ.get(f"SANDBOX_INSTAGRAM_{name}", str(default)))


def _new_id() -> str:
    return str(17_900_000_000_000_000 + secrets.randbelow(10**16))


def _params(request: HttpRequest) -> dict[str, str]:
    # Graph takes parameters in the query string or a form body alike.
    return {**request.GET.dict(), **request.POST.dict()}


def _not_found(object_id: str, verb: str = "get") -> HttpResponse:
    return graph_error(
        f"Unsupported {verb} request. Object with ID '{object_id}' does not exist, cannot be "
        "loaded due to missing permissions, or does not support this operation.",
        code=100,
        subcode=33,
    )


def _account(request: HttpRequest, ig_id: str, *, publish: bool) -> tuple[str, HttpResponse | None]:
    """The professional account the token acts for, if it is `ig_id` (its user_id, its
    app-scoped id, or "me"), and the token may publish when asked to."""
    token = tokens.authenticate(request, P, kinds=(SandboxToken.LONG, SandboxToken.ACCESS))
    account = token.subject
    app_scoped = INSTAGRAM_ACCOUNT["id"] if account == INSTAGRAM_ACCOUNT["user_id"] else None
    if ig_id not in (account, "me", app_scoped):
        return account, _not_found(ig_id, "post" if request.method == "POST" else "get")
    if publish and PUBLISH_SCOPE not in token.scopes:
        return account, graph_error(
            "(#10) Application does not have permission for this action", code=10
        )
    return account, None


# --- Container state ---------------------------------------------------------------------


def container_state(container: SandboxMedia, *, poll: bool) -> SandboxMedia:
    """Bring the container's state up to date (expiry, polls counted when `poll`)."""
    with transaction.atomic():
        row = SandboxMedia.objects.select_for_update().get(pk=container.pk)
        before = (row.state, dict(row.payload))
        if (
            row.state in (IN_PROGRESS, FINISHED)
            and row.created_at <= timezone.now() - CONTAINER_TTL
        ):
            row.state = EXPIRED
        elif row.state == IN_PROGRESS and poll:
            polls = int(row.payload.get("_polls", 0)) + 1
            row.payload["_polls"] = polls
            if polls > int(row.payload.get("_polls_to_finish", 0)):
                row.state = FINISHED
        if (row.state, row.payload) != before:
            row.save(update_fields=["state", "payload"])
    return row


def _status_text(container: SandboxMedia) -> str:
    if container.state == ERROR:
        subcode = container.payload.get("_error_subcode", 2207001)
        return f"Error: Media upload has failed with error code {subcode}"
    return STATUS_TEXT.get(container.state, "")


def fail_container(container_id: str, subcode: int) -> None:
    """Used by the `container_error` fault: processing of this container fails."""
    container = SandboxMedia.objects.get(platform=P, media_id=container_id)
    container.state = ERROR
    container.payload["_error_subcode"] = subcode
    container.save(update_fields=["state", "payload"])


# --- Creating containers -----------------------------------------------------------------


def _caption_error(caption: str) -> HttpResponse | None:
    cap = _setting("HASHTAG_CAP", 5)
    hashtags, mentions = len(_HASHTAG.findall(caption)), len(_MENTION.findall(caption))
    if len(caption) > MAX_CAPTION or hashtags > cap or mentions > MAX_MENTIONS:
        return graph_error(
            f"The caption exceeds the maximum of {MAX_CAPTION} characters, {cap} hashtags or "
            f"{MAX_MENTIONS} @ tags.",
            code=100,
            subcode=2207010,
        )
    return None


def _children(account: str, raw: str) -> tuple[list[SandboxMedia], HttpResponse | None]:
    ids = [c.strip() for c in raw.split(",") if c.strip()]
    if not MIN_CHILDREN <= len(ids) <= MAX_CHILDREN:
        return [], graph_error(
            f"The carousel must have between {MIN_CHILDREN} and {MAX_CHILDREN} items "
            f"({len(ids)} given).",
            code=100,
            subcode=2207028,
        )
    found = {
        c.media_id: c
        for c in SandboxMedia.objects.filter(platform=P, account_id=account, media_id__in=ids)
    }
    children = []
    for child_id in ids:
        child = found.get(child_id)
        if child is None or child.payload.get("is_carousel_item") != "true":
            return [], graph_error(
                f"Carousel validation failed: {child_id} is not a carousel item of this account.",
                code=100,
                subcode=2207028,
            )
        child = container_state(child, poll=False)
        if child.state != FINISHED:
            return [], graph_error(
                f"The media is not ready for publishing: carousel item {child_id} is "
                f"{child.state}.",
                code=9007,
                subcode=2207027,
            )
        children.append(child)
    return children, None


def create_container(request: HttpRequest, account: str) -> HttpResponse:
    params = _params(request)
    media_type = params.get("media_type", "").upper()
    caption = params.get("caption", "")
    refused = _caption_error(caption)
    if refused is not None:
        return refused
    fields = {k: params[k] for k in _KEPT if k in params}
    image: images.Image | None = None
    if media_type == "CAROUSEL":
        children, refused = _children(account, params.get("children", ""))
        if refused is not None:
            return refused
        fields["children"] = [c.media_id for c in children]
    elif media_type in ("", "IMAGE"):
        if not params.get("image_url"):
            return graph_error("(#100) The parameter image_url is required", code=100)
        try:
            image = images.fetch(params["image_url"])
        except images.ImageRefused as exc:
            return graph_error(
                exc.message, code=exc.code, subcode=exc.subcode, transient=exc.code == -2
            )
    else:
        # Video, reels and stories exist on the platform; this sandbox models feed images.
        return graph_error(
            f"The media type {media_type} is not supported by this sandbox.",
            code=100,
            subcode=2207023,
        )
    polls = _setting("POLLS_TO_FINISH", 1)
    container = SandboxMedia.objects.create(
        platform=P,
        account_id=account,
        media_id=_new_id(),
        mime=image.mime if image else "",
        size_bytes=image.size_bytes if image else 0,
        state=IN_PROGRESS if polls > 0 else FINISHED,
        payload={
            **fields,
            "_polls": 0,
            "_polls_to_finish": polls,
            **({"_width": image.width, "_height": image.height} if image else {}),
        },
    )
    return json_response({"id": container.media_id})


@endpoint(P, "media", scope="publish")
def media_edge(request: HttpRequest, ig_id: str) -> HttpResponse:
    """POST creates a container; GET lists the account's published media."""
    if request.method not in ("GET", "POST"):
        return graph_error("(#100) Unsupported method", code=100)
    account, refused = _account(request, ig_id, publish=request.method == "POST")
    if refused is not None:
        return refused
    if request.method == "POST":
        return create_container(request, account)
    return media.list_media(request, account)


# --- Reading a container or a media object -----------------------------------------------


@endpoint(P, "object")
@require_GET
def graph_object(request: HttpRequest, object_id: str) -> HttpResponse:
    token = tokens.authenticate(request, P, kinds=(SandboxToken.LONG, SandboxToken.ACCESS))
    fields = media.split_fields(request.GET.get("fields", "") or "id")
    container = SandboxMedia.objects.filter(
        platform=P, account_id=token.subject, media_id=object_id
    ).first()
    if container is not None:
        refused = media.unknown_field(fields, CONTAINER_FIELDS, "IGContainer")
        if refused is not None:
            return refused
        container = container_state(container, poll=True)
        values = {
            "id": container.media_id,
            "status_code": container.state,
            "status": _status_text(container),
        }
        return json_response({name: values[name] for name, _ in fields} | {"id": object_id})
    post = SandboxPost.objects.filter(
        platform=P, account_id=token.subject, post_id=object_id, deleted_at__isnull=True
    ).first()
    if post is None:
        return _not_found(object_id)
    refused = media.unknown_field(fields, media.MEDIA_FIELDS, "IGMedia")
    if refused is not None:
        return refused
    return json_response(media.media_json(post, fields))


# --- Publishing and the quota ------------------------------------------------------------


def _quota_used(account: str) -> int:
    since = timezone.now() - WINDOW
    return SandboxPost.objects.filter(platform=P, account_id=account, created_at__gt=since).count()


def _public(fields: dict) -> dict:
    return {k: v for k, v in fields.items() if not k.startswith("_")}


@endpoint(P, "media_publish", scope="publish")
@require_POST
def media_publish(request: HttpRequest, ig_id: str) -> HttpResponse:
    account, refused = _account(request, ig_id, publish=True)
    if refused is not None:
        return refused
    creation_id = _params(request).get("creation_id", "")
    container = SandboxMedia.objects.filter(
        platform=P, account_id=account, media_id=creation_id
    ).first()
    if container is None:
        return graph_error(
            f"The media with id {creation_id} cannot be found.", code=24, subcode=2207006
        )
    if container.payload.get("is_carousel_item") == "true":
        return graph_error(
            "A carousel item cannot be published on its own.", code=100, subcode=2207028
        )
    if _quota_used(account) >= _setting("QUOTA_TOTAL", 50):
        return graph_error(
            "Application request limit reached: the maximum number of posts that can be "
            "published with the Content Publishing API in 24 hours has been reached.",
            code=9,
            subcode=2207042,
        )
    with transaction.atomic():
        container = container_state(container, poll=False)
        container = SandboxMedia.objects.select_for_update().get(pk=container.pk)
        if container.state == PUBLISHED:
            return graph_error("(#100) The media has already been published.", code=100)
        if container.state == EXPIRED:
            return graph_error(
                "The media you are trying to access has expired. Please try to generate a "
                "new media.",
                code=-2,
                subcode=2207020,
            )
        if container.state != FINISHED:
            return graph_error(
                "The media is not ready for publishing, please wait for a moment.",
                code=9007,
                subcode=2207027,
            )
        fields = _public(container.payload)
        child_ids = list(fields.get("children") or [])
        children = [
            _public(c.payload)
            for c in sorted(
                SandboxMedia.objects.filter(platform=P, media_id__in=child_ids),
                key=lambda c: child_ids.index(c.media_id),
            )
        ]
        post = SandboxPost.objects.create(
            platform=P,
            account_id=account,
            post_id=_new_id(),
            text=fields.get("caption", ""),
            media_ids=child_ids or [container.media_id],
            kind="CAROUSEL_ALBUM" if child_ids else "IMAGE",
            payload={"creation_id": creation_id, "container": fields, "children": children},
        )
        container.state = PUBLISHED
        container.save(update_fields=["state"])
        SandboxMedia.objects.filter(platform=P, media_id__in=child_ids).update(state=PUBLISHED)
    return json_response({"id": post.post_id})


@endpoint(P, "content_publishing_limit")
@require_GET
def content_publishing_limit(request: HttpRequest, ig_id: str) -> HttpResponse:
    account, refused = _account(request, ig_id, publish=False)
    if refused is not None:
        return refused
    fields = [
        name for name, _ in media.split_fields(request.GET.get("fields", "") or "quota_usage")
    ]
    row: dict = {}
    if "quota_usage" in fields:
        row["quota_usage"] = _quota_used(account)
    if "config" in fields:
        row["config"] = {"quota_total": _setting("QUOTA_TOTAL", 50), "quota_duration": 86400}
    return json_response({"data": [row]})
