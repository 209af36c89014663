"""LinkedIn publishing, faithfully enough to test against (PLATFORMS.md §3.2-3.3):

- Every /rest call needs `LinkedIn-Version: YYYYMM` (missing: 400 VERSION_MISSING; not active:
  426 NONEXISTENT_VERSION; active here = from SANDBOX_LINKEDIN_OLDEST_VERSION, default 202510,
  to the current month) and `X-Restli-Protocol-Version: 2.0.0` (missing: 400; the sandbox is
  strict here so a client that forgets it is caught).
- POST /rest/posts as the member (w_member_social) or an organization they administer
  (w_organization_social), else 403. The commentary is read as little text (sandbox/linkedin/
  little.py: badly escaped text is cut), at most 3,000 characters as shown. Content: `media`
  (one AVAILABLE image of the author), `multiImage` (2-20), `article` ({source, title?}).
  -> 201, empty body, the URN in `x-restli-id`. The same commentary by the same author again
  -> 422 "Content is a duplicate of urn:li:share:…". Over SANDBOX_LINKEDIN_DAILY_POSTS
  (default 150) posts by one member since midnight UTC -> 429 naming the MEMBER DAY limit.
- GET /rest/posts?q=author&author=…&count&start&sortBy (newest first, `paging` with a next
  link) and GET /rest/posts/{urn}: organization posts with r_organization_social; member posts
  need r_member_social, a private permission, so they answer 403 as on LinkedIn.
- POST /rest/images?action=initializeUpload -> {"value": {uploadUrl, image, uploadUrlExpiresAt}};
  PUT the bytes to uploadUrl (201; the image becomes AVAILABLE); GET /rest/images/{urn}.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import string
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import wraps
from urllib.parse import urlencode, urlsplit

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from sandbox import tokens
from sandbox.common import endpoint, json_response
from sandbox.identities import LINKEDIN_ORGS
from sandbox.linkedin import errors
from sandbox.linkedin.little import parse
from sandbox.models import SandboxToken
from sandbox.published.models import SandboxMedia, SandboxPost

P = "linkedin"
MAX_COMMENTARY = 3000
_VERSION = re.compile(r"^(\d{4})(\d{2})(?:\.\d{2})?$")
_AUTHOR = re.compile(r"^urn:li:(person|organization):([\w-]+)$")
VISIBILITIES = {"PUBLIC", "CONNECTIONS", "LOGGED_IN", "CONTAINER"}
IMAGE_MIMES = {"image/jpeg", "image/png", "image/gif"}


def _daily_posts() -> int:
    return int(os.environ.get("SANDBOX_LINKEDIN_DAILY_POSTS", "150"))


def _oldest_version() -> int:
    return int(os.environ.get("SANDBOX_LINKEDIN_OLDEST_VERSION", "202510"))


def _version_problem(request: HttpRequest) -> HttpResponse | None:
    value = request.headers.get("LinkedIn-Version", "").strip()
    if not value:
        return errors.rest_error(
            400,
            "A version must be present. Please specify a version by adding the "
            "LinkedIn-Version header.",
            code="VERSION_MISSING",
        )
    match = _VERSION.match(value)
    now = timezone.now()
    current = now.year * 100 + now.month
    if match is None or not (
        1 <= int(match.group(2)) <= 12
        and _oldest_version() <= int(match.group(1) + match.group(2)) <= current
    ):
        shown = f"{value}01" if match else value
        return errors.rest_error(
            426, f"Requested version {shown} is not active", code="NONEXISTENT_VERSION"
        )
    if request.headers.get("X-Restli-Protocol-Version", "") != "2.0.0":
        return errors.rest_error(
            400, "This resource requires the header X-Restli-Protocol-Version: 2.0.0"
        )
    return None


def _member(token: SandboxToken) -> str:
    return f"urn:li:person:{token.subject}"


def _administered() -> set[str]:
    # The sandbox member administers every sandbox organization (see oauth.organization_acls).
    return {f"urn:li:organization:{org['id']}" for org in LINKEDIN_ORGS}


def _may_write(token: SandboxToken, author: str) -> bool:
    if author == _member(token):
        return "w_member_social" in token.scopes
    return author in _administered() and "w_organization_social" in token.scopes


def _may_read(token: SandboxToken, author: str) -> bool:
    if author == _member(token):
        return "r_member_social" in token.scopes  # private: apps do not get it
    return author in _administered() and "r_organization_social" in token.scopes


def _resource(action: str, request: HttpRequest) -> str:
    return f"partnerApiPostsExternal.{action}.{request.headers.get('LinkedIn-Version', '')}01"


def _by_method(view: Callable[..., HttpResponse], **routes: tuple[str, str]) -> Callable:
    """One URL, one request log name and fault scope per method (so a read-back does not take
    a fault meant for the publish call). Unwrapping gives `view` itself."""
    decorated = {
        method: endpoint(P, name, scope=scope)(view) for method, (name, scope) in routes.items()
    }

    @csrf_exempt
    @wraps(view)
    def route(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        handler = decorated.get(request.method or "")
        if handler is None:
            return errors.rest_error(405, f"Method {request.method} is not allowed")
        return handler(request, *args, **kwargs)

    return route


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _new_post_urn() -> str:
    # Activity-like ids: 19 digits, time-ordered.
    return f"urn:li:share:{int(time.time() * 1000) << 22 | secrets.randbits(22)}"


def _new_image_urn() -> str:
    alphabet = string.ascii_letters + string.digits
    return "urn:li:image:D4E10AQ" + "".join(secrets.choice(alphabet) for _ in range(10))


def _element(post: SandboxPost) -> dict:
    created = _ms(post.created_at)
    element = {
        "id": post.post_id,
        "author": post.account_id,
        "commentary": post.text,
        "visibility": post.payload.get("visibility", "PUBLIC"),
        "distribution": post.payload.get("distribution") or {"feedDistribution": "MAIN_FEED"},
        "lifecycleState": "PUBLISHED",
        "lifecycleStateInfo": {"isEditedByAuthor": False},
        "isReshareDisabledByAuthor": bool(post.payload.get("isReshareDisabledByAuthor")),
        "createdAt": created,
        "publishedAt": created,
        "lastModifiedAt": created,
    }
    if post.payload.get("content"):
        element["content"] = post.payload["content"]
    return element


# --- Posts -----------------------------------------------------------------------------------


def _over_budget(token: SandboxToken) -> bool:
    midnight = timezone.now().astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    authors = {_member(token), *_administered()}
    used = SandboxPost.objects.filter(
        platform=P, account_id__in=authors, created_at__gte=midnight
    ).count()
    return used >= _daily_posts()


def _image_problem(author: str, urn: object, path: str) -> HttpResponse | None:
    image = SandboxMedia.objects.filter(platform=P, media_id=str(urn)).first()
    if image is None or image.account_id != author:
        return errors.invalid(path, f"{urn} is not an image of {author}")
    if image.state != "AVAILABLE":
        return errors.invalid(path, f"{urn} is not available (status {image.state})")
    return None


def _content_problem(author: str, content: object) -> tuple[str, HttpResponse | None]:
    """The post kind, or the 422 that refuses the content."""
    if content in (None, {}):
        return "text", None
    if not isinstance(content, dict) or len(content) != 1:
        return "", errors.invalid("/content", "exactly one content type is allowed")
    if "media" in content:
        media = content["media"] or {}
        return "image", _image_problem(author, media.get("id"), "/content/media/id")
    if "multiImage" in content:
        images = (content["multiImage"] or {}).get("images") or []
        if not 2 <= len(images) <= 20:
            return "", errors.invalid(
                "/content/multiImage/images", f"array has {len(images)} items, must be 2 to 20"
            )
        for index, image in enumerate(images):
            path = f"/content/multiImage/images/{index}/id"
            if problem := _image_problem(author, (image or {}).get("id"), path):
                return "", problem
        return "multiImage", None
    if "article" in content:
        source = str((content["article"] or {}).get("source") or "")
        if urlsplit(source).scheme not in ("http", "https"):
            return "", errors.invalid("/content/article/source", "is not a valid URL")
        return "article", None
    return "", errors.invalid("/content", f"unsupported content type {next(iter(content))}")


def _create(request: HttpRequest) -> HttpResponse:
    token = tokens.authenticate(request, P)
    if problem := _version_problem(request):
        return problem
    if _over_budget(token):
        return errors.member_day_limit()
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return errors.rest_error(400, "Invalid JSON in the request body")
    if not isinstance(body, dict):
        return errors.rest_error(400, "Invalid JSON in the request body")
    author = str(body.get("author") or "")
    if not _AUTHOR.match(author):
        return errors.invalid("/author", f'"{author}" is not a person or organization URN')
    if not _may_write(token, author):
        return errors.access_denied(_resource("CREATE", request))
    if body.get("lifecycleState") != "PUBLISHED":
        return errors.invalid("/lifecycleState", "must be PUBLISHED")
    if body.get("visibility") not in VISIBILITIES:
        return errors.invalid("/visibility", "is missing or not a valid visibility")
    feed = (body.get("distribution") or {}).get("feedDistribution")
    if feed not in ("MAIN_FEED", "NONE"):
        return errors.invalid("/distribution/feedDistribution", "is missing or not valid")
    commentary = body.get("commentary", "")
    if not isinstance(commentary, str):
        return errors.invalid("/commentary", "must be a string")
    parsed = parse(commentary)
    if len(parsed.plain) > MAX_COMMENTARY:
        return errors.invalid("/commentary", f"length exceeds {MAX_COMMENTARY} characters")
    kind, problem = _content_problem(author, body.get("content"))
    if problem:
        return problem
    if kind == "text" and not parsed.plain.strip():
        return errors.invalid("/commentary", "a post without content needs commentary")
    if parsed.kept.strip():
        earlier = (
            SandboxPost.objects.filter(
                platform=P, account_id=author, text=parsed.kept, deleted_at__isnull=True
            )
            .values_list("post_id", flat=True)
            .first()
        )
        if earlier:
            return errors.duplicate(earlier)
    content = body.get("content") or {}
    image_ids = [str(content["media"]["id"])] if kind == "image" else []
    if kind == "multiImage":
        image_ids = [str(i["id"]) for i in content["multiImage"]["images"]]
    post = SandboxPost.objects.create(
        platform=P,
        account_id=author,
        post_id=_new_post_urn(),
        text=parsed.kept,
        media_ids=image_ids,
        payload=body,
        kind=kind,
    )
    response = HttpResponse(status=201)
    response["x-restli-id"] = post.post_id
    return response


def _find(request: HttpRequest) -> HttpResponse:
    """GET /rest/posts?q=author: the author's posts, newest first."""
    token = tokens.authenticate(request, P)
    if problem := _version_problem(request):
        return problem
    if request.GET.get("q") != "author":
        return errors.rest_error(400, "Unsupported or missing finder: q must be author")
    author = request.GET.get("author", "")
    if not _AUTHOR.match(author):
        return errors.rest_error(400, "Invalid value for param: author")
    if request.GET.get("sortBy", "LAST_MODIFIED") not in ("LAST_MODIFIED", "CREATED"):
        return errors.rest_error(400, "Invalid value for param: sortBy")
    if not _may_read(token, author):
        return errors.access_denied(_resource("FINDER-author", request))
    try:
        count = min(max(int(request.GET.get("count", "10")), 1), 100)
        start = max(int(request.GET.get("start", "0")), 0)
    except ValueError:
        return errors.rest_error(400, "Invalid value for param: count or start")
    posts = SandboxPost.objects.filter(
        platform=P, account_id=author, deleted_at__isnull=True
    ).order_by("-id")
    total = posts.count()
    elements = [_element(post) for post in posts[start : start + count]]
    links = []
    if start + count < total:
        query = {**request.GET.dict(), "start": start + count, "count": count}
        links.append(
            {"type": "application/json", "rel": "next", "href": f"/rest/posts?{urlencode(query)}"}
        )
    paging = {"start": start, "count": count, "links": links, "total": total}
    return json_response({"paging": paging, "elements": elements})


def _posts(request: HttpRequest) -> HttpResponse:
    return _create(request) if request.method == "POST" else _find(request)


posts = _by_method(_posts, POST=("posts_create", "publish"), GET=("posts_find", "api"))


@endpoint(P, "post_get")
def post_get(request: HttpRequest, post_urn: str) -> HttpResponse:
    token = tokens.authenticate(request, P)
    if problem := _version_problem(request):
        return problem
    post = SandboxPost.objects.filter(platform=P, post_id=post_urn, deleted_at__isnull=True)
    found = post.first()
    if found is None:
        return errors.not_found(post_urn)
    if not _may_read(token, found.account_id):
        return errors.access_denied(_resource("GET", request))
    return json_response(_element(found))


# --- Images ----------------------------------------------------------------------------------


@endpoint(P, "images_initialize", scope="publish")
def images(request: HttpRequest) -> HttpResponse:
    """POST /rest/images?action=initializeUpload"""
    token = tokens.authenticate(request, P)
    if problem := _version_problem(request):
        return problem
    if request.method != "POST" or request.GET.get("action") != "initializeUpload":
        return errors.rest_error(400, "Unsupported action: use action=initializeUpload")
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return errors.rest_error(400, "Invalid JSON in the request body")
    owner = str(((body or {}).get("initializeUploadRequest") or {}).get("owner") or "")
    if not _AUTHOR.match(owner):
        return errors.invalid("/initializeUploadRequest/owner", "is not a valid owner URN")
    if not _may_write(token, owner):
        return errors.access_denied(f"images.ACTION-initializeUpload.{owner}")
    upload_token = secrets.token_urlsafe(16)
    image = SandboxMedia.objects.create(
        platform=P,
        account_id=owner,
        media_id=_new_image_urn(),
        state="WAITING_UPLOAD",
        payload={"upload_token": upload_token},
    )
    path = reverse("sandbox-linkedin-image-upload", args=[image.media_id.rsplit(":", 1)[1]])
    query = urlencode({"ca": "vector_feedshare", "cn": "uploads", "v": "beta", "ut": upload_token})
    expires = timezone.now() + timedelta(days=1)
    return json_response(
        {
            "value": {
                "uploadUrlExpiresAt": _ms(expires),
                "uploadUrl": request.build_absolute_uri(f"{path}?{query}"),
                "image": image.media_id,
            }
        }
    )


@endpoint(P, "image_upload", scope="publish")
def image_upload(request: HttpRequest, image_id: str) -> HttpResponse:
    """PUT <uploadUrl>: the raw bytes, one request (the upload host needs no version headers)."""
    tokens.authenticate(request, P)
    if request.method != "PUT":
        return errors.rest_error(405, f"Method {request.method} is not allowed")
    image = SandboxMedia.objects.filter(platform=P, media_id=f"urn:li:image:{image_id}").first()
    if image is None or image.payload.get("upload_token") != request.GET.get("ut"):
        return errors.rest_error(400, "Invalid or expired upload URL")
    if image.state != "WAITING_UPLOAD":
        return errors.rest_error(400, "This upload URL has already been used")
    mime = (request.content_type or "").lower()
    if mime not in IMAGE_MIMES:
        return errors.rest_error(400, f"Unsupported media type {mime or 'none'}")
    size = 0
    while chunk := request.read(64 * 1024):  # the stream, not .body: images exceed 2.5 MB
        size += len(chunk)
    if not size:
        return errors.rest_error(400, "The upload is empty")
    SandboxMedia.objects.filter(pk=image.pk).update(mime=mime, size_bytes=size, state="AVAILABLE")
    return HttpResponse(status=201)


@endpoint(P, "image_get")
def image_get(request: HttpRequest, image_urn: str) -> HttpResponse:
    token = tokens.authenticate(request, P)
    if problem := _version_problem(request):
        return problem
    image = SandboxMedia.objects.filter(platform=P, media_id=image_urn).first()
    if image is None:
        return errors.not_found(image_urn)
    if image.account_id != _member(token) and image.account_id not in _administered():
        return errors.access_denied(f"images.GET.{image_urn}")
    return json_response({"id": image.media_id, "owner": image.account_id, "status": image.state})
