"""Google Business Profile local posts (v4), faithfully enough to test against
(PLATFORMS.md §5.2-5.3):

- POST .../accounts/{a}/locations/{l}/localPosts with a LocalPost -> the LocalPost with
  `name`, `state`, `searchUrl`, `createTime`, `updateTime`. Checked like Google: topicType,
  summary ≤ 1,500 characters, `event` (title + schedule) required for EVENT and OFFER, a
  callToAction url except for CALL (which takes none), one media item whose `sourceUrl` is
  really fetched (it must answer 200 with a JPEG or PNG). Every accepted post is recorded as a
  SandboxPost (platform "google_business", kind = topicType, payload = the body as received).
- Content policy: Google reviews posts after accepting them; a summary with a phone number is
  reported to be refused ("use the CALL button") [3p], so such a post answers state REJECTED.
- GET .../localPosts (pageSize 2-100, default 20, newest first, nextPageToken) and
  GET .../localPosts/{p}.
- A per-minute quota over all v4 calls (SANDBOX_GOOGLE_V4_QPM, default 300): 429
  RESOURCE_EXHAUSTED, no Retry-After (Google sends none).
- A location of another account is 403 PERMISSION_DENIED (the user lost access to it); an
  unknown location of our account is 404.
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import struct
import zlib
from datetime import timedelta

import requests
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from sandbox import tokens
from sandbox.common import endpoint, json_response
from sandbox.google_business import errors
from sandbox.identities import GOOGLE_ACCOUNT, GOOGLE_LOCATIONS
from sandbox.models import SandboxRequest
from sandbox.published.models import SandboxPost

P = "google_business"
SCOPE = "https://www.googleapis.com/auth/business.manage"
TOPIC_TYPES = ("STANDARD", "EVENT", "OFFER", "ALERT")
CTA_TYPES = ("BOOK", "ORDER", "SHOP", "LEARN_MORE", "SIGN_UP", "CALL")
MAX_SUMMARY = 1500
SEARCH_URL = "https://local.google.com/place?id={place}&use=posts&lpsid={post}"
_PHONE = re.compile(r"(?<!\w)\+?\(?\d[\d\s().-]{5,}\d(?!\w)")
_DATE = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}")


# --- What every v4 view shares --------------------------------------------------------------


def _qpm() -> int:
    return int(os.environ.get("SANDBOX_GOOGLE_V4_QPM", "300"))


def over_quota() -> bool:
    """This request (already logged by `endpoint`) is past the per-minute quota."""
    used = SandboxRequest.objects.filter(
        platform=P, endpoint__startswith="v4_", created_at__gt=timezone.now() - timedelta(minutes=1)
    ).count()
    return used > _qpm()


def location_check(request: HttpRequest, account: str, location: str) -> HttpResponse | None:
    """Auth, quota and access to the location: an error response, or None to go on."""
    token = tokens.authenticate(request, P)
    if SCOPE not in token.scopes:
        return errors.rpc_error(
            403, "Request had insufficient authentication scopes.", "PERMISSION_DENIED"
        )
    if over_quota():
        return errors.quota_exceeded()
    if f"accounts/{account}" != GOOGLE_ACCOUNT["name"]:
        return errors.permission_denied()
    if f"locations/{location}" not in {loc["name"] for loc in GOOGLE_LOCATIONS}:
        return errors.not_found()
    return None


def page_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")


def page_offset(token: str) -> int | None:
    """The offset a nextPageToken stands for; None for a token we never issued."""
    if not token:
        return 0
    try:
        decoded = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    kind, _, number = decoded.partition(":")
    return int(number) if kind == "o" and number.isdigit() else None


def rfc3339(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# --- LocalPost checks -------------------------------------------------------------------------


def _fetch_ok(url: str) -> bool:
    """Google downloads the photo from sourceUrl when the post is created."""
    try:
        fetched = requests.get(url, timeout=(3, 10))
    except requests.RequestException:
        return False
    mime = fetched.headers.get("Content-Type", "").split(";")[0].strip()
    return fetched.status_code == 200 and mime in ("image/jpeg", "image/png") and fetched.content


def _check_event(event) -> str:
    if not isinstance(event, dict) or not event.get("title"):
        return "event.title is required for EVENT and OFFER posts."
    schedule = event.get("schedule")
    if (
        not isinstance(schedule, dict)
        or not schedule.get("startDate")
        or not schedule.get("endDate")
    ):
        return "event.schedule.startDate and endDate are required."
    for key in ("startDate", "endDate"):
        date = schedule[key]
        if not isinstance(date, dict) or not all(
            isinstance(date.get(k), int) for k in ("year", "month", "day")
        ):
            return f"event.schedule.{key} must be a Date {{year, month, day}}."
    start = tuple(schedule["startDate"][k] for k in ("year", "month", "day"))
    end = tuple(schedule["endDate"][k] for k in ("year", "month", "day"))
    if end < start:
        return "event.schedule ends before it starts."
    return ""


def _check_cta(cta) -> str:
    if not isinstance(cta, dict) or cta.get("actionType") not in CTA_TYPES:
        return f"callToAction.actionType must be one of {', '.join(CTA_TYPES)}."
    if cta["actionType"] == "CALL":
        return "callToAction.url must not be set for CALL." if cta.get("url") else ""
    if not str(cta.get("url", "")).startswith(("http://", "https://")):
        return "callToAction.url is required."
    return ""


def check_local_post(body: dict) -> str:
    """Why Google would answer 400 INVALID_ARGUMENT, or "" when the body is acceptable."""
    topic = body.get("topicType", "STANDARD")
    summary = body.get("summary", "")
    media = body.get("media") or []
    if topic not in TOPIC_TYPES:
        return f"topicType must be one of {', '.join(TOPIC_TYPES)}."
    if not isinstance(summary, str) or len(summary) > MAX_SUMMARY:
        return f"summary must be at most {MAX_SUMMARY} characters."
    if topic == "STANDARD" and not summary and not media:
        return "summary is required."
    if topic in ("EVENT", "OFFER") and (problem := _check_event(body.get("event"))):
        return problem
    cta = body.get("callToAction")
    if cta is not None and topic != "OFFER" and (problem := _check_cta(cta)):
        return problem
    if not isinstance(media, list) or len(media) > 1:
        return "Only one media item is supported per local post."
    for item in media:
        if not isinstance(item, dict) or item.get("mediaFormat") != "PHOTO":
            return "media[0].mediaFormat must be PHOTO."
        if not item.get("sourceUrl"):
            return "media[0].sourceUrl is required."
        if not _fetch_ok(item["sourceUrl"]):
            return "media[0].sourceUrl could not be fetched as a JPEG or PNG photo."
    return ""


def has_phone_number(text: str) -> bool:
    for match in _PHONE.finditer(text):
        digits = sum(ch.isdigit() for ch in match.group())
        if 7 <= digits <= 15 and not _DATE.fullmatch(match.group().strip()):
            return True
    return False


def _state(post: SandboxPost) -> str:
    return "REJECTED" if has_phone_number(post.text) else "LIVE"


def local_post_json(post: SandboxPost) -> dict:
    """What Google answers for a stored post: the body plus its output-only fields."""
    state = _state(post)
    created = rfc3339(post.created_at)
    data = {
        **post.payload,
        "name": post.post_id,
        "state": state,
        "createTime": created,
        "updateTime": created,
    }
    if state == "LIVE":
        location = post.account_id.rsplit("/", 1)[-1]
        data["searchUrl"] = SEARCH_URL.format(place=location, post=post.post_id.rsplit("/", 1)[-1])
    return data


# --- Views ------------------------------------------------------------------------------------


@endpoint(P, "v4_local_posts_create", scope="publish")
def local_posts_create(request: HttpRequest, account: str, location: str) -> HttpResponse:
    problem = location_check(request, account, location)
    if problem is not None:
        return problem
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return errors.invalid_argument("the body is not valid JSON.")
    if not isinstance(body, dict):
        return errors.invalid_argument("the body must be a LocalPost object.")
    reason = check_local_post(body)
    if reason:
        return errors.invalid_argument(reason)
    parent = f"accounts/{account}/locations/{location}"
    post = SandboxPost.objects.create(
        platform=P,
        account_id=parent,
        post_id=f"{parent}/localPosts/{secrets.randbelow(10**18):018d}",
        text=str(body.get("summary", "")),
        media_ids=[m["sourceUrl"] for m in body.get("media") or []],
        payload=body,
        kind=str(body.get("topicType", "STANDARD")),
    )
    return json_response(local_post_json(post))


def local_posts_of(parent: str):
    return SandboxPost.objects.filter(
        platform=P, account_id=parent, kind__in=TOPIC_TYPES, deleted_at__isnull=True
    )


@endpoint(P, "v4_local_posts_list")
def local_posts_list(request: HttpRequest, account: str, location: str) -> HttpResponse:
    problem = location_check(request, account, location)
    if problem is not None:
        return problem
    try:
        size = int(request.GET.get("pageSize") or 20)
    except ValueError:
        return errors.invalid_argument("pageSize must be a number.")
    size = min(max(size, 2), 100)
    offset = page_offset(request.GET.get("pageToken", ""))
    if offset is None:
        return errors.invalid_argument("page_token is invalid.")
    posts = local_posts_of(f"accounts/{account}/locations/{location}").order_by("-id")
    page = list(posts[offset : offset + size + 1])
    body: dict = {"localPosts": [local_post_json(p) for p in page[:size]]}
    if len(page) > size:
        body["nextPageToken"] = page_token(offset + size)
    return json_response(body)


@csrf_exempt
def local_posts(request: HttpRequest, account: str, location: str) -> HttpResponse:
    """One URL, two methods with their own fault scopes: POST creates, GET lists."""
    if request.method == "POST":
        return local_posts_create(request, account, location)
    if request.method == "GET":
        return local_posts_list(request, account, location)
    return HttpResponseNotAllowed(["GET", "POST"])


@endpoint(P, "v4_local_post_get")
def local_post_get(request: HttpRequest, account: str, location: str, post: str) -> HttpResponse:
    problem = location_check(request, account, location)
    if problem is not None:
        return problem
    name = f"accounts/{account}/locations/{location}/localPosts/{post}"
    found = local_posts_of(f"accounts/{account}/locations/{location}").filter(post_id=name).first()
    if found is None:
        return errors.not_found()
    return json_response(local_post_json(found))


# --- A photo host ------------------------------------------------------------------------------


def _png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def sample_photo(request: HttpRequest, name: str) -> HttpResponse:
    """A small PNG at a public URL, standing in for wherever a brand hosts its photos (Google
    fetches `sourceUrl` itself). The colour follows the name, so photos differ."""
    hue = sum(name.encode()) % 256
    return HttpResponse(_png(64, 48, (hue, 120, 255 - hue)), content_type="image/png")
