"""Instagram (Instagram Login) errors: Graph-shaped like Facebook's, plus the token endpoint's
flat `{"error_type","code","error_message"}` form, plus the content-publishing subcodes.
https://developers.facebook.com/documentation/instagram-platform/instagram-graph-api/reference/error-codes

Order matters: the publishing quota (9 / 2207042) is a QuotaExceeded, never a failure; a few
2207xxx subcodes are the platform's own hiccups (Transient); the other 2207xxx are about the
content and will not change on retry (Rejected, with what the subcode means); throttling codes
and the usage headers are RateLimited; everything else is Graph's common mapping.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import requests
from django.utils import timezone

from connections.providers.base import (
    AuthRevoked,
    QuotaExceeded,
    RateLimited,
    Rejected,
    Transient,
)
from connections.providers.http import json_body
from connections.providers.meta_errors import RATE_LIMIT_CODES, raise_meta_error

QUOTA_SUBCODE = 2207042
# What each publishing subcode means, in words a person can act on (PLATFORMS.md §1.5).
SUBCODE_MEANINGS = {
    2207001: "Instagram had a server error while processing the media",
    2207003: "Instagram took too long to download the media",
    2207004: "the image is too large (8 MB at most)",
    2207005: "the image format is not supported (JPEG only)",
    2207006: "the media could not be found",
    2207008: "the media container expired or was not found; it must be created again",
    2207009: "the image's aspect ratio is not supported (4:5 to 1.91:1)",
    2207010: "the caption is too long or has too many hashtags or @-mentions",
    2207020: "the media expired before it was published",
    2207023: "the media type is not supported",
    2207026: "the video format is not supported",
    2207027: "the media is not ready to be published yet",
    2207028: "the carousel is not valid (2 to 10 finished items)",
    2207032: "Instagram could not create the media; it must be created again",
    2207042: "the account reached its 24-hour publishing limit",
    2207050: "the Instagram account is restricted or inactive",
    2207051: "Instagram restricted this activity to protect its community",
    2207052: "Instagram could not fetch the media from its URL",
    2207053: "Instagram had an unknown upload error",
}
# Hiccups on Instagram's side: server error, download timeout, "not ready yet", "create
# failed, create it again", unknown upload error, and a container that expired or vanished
# between our status read and the publish. A retry (reading the saved container again, and
# creating a new one where it is dead) can succeed.
TRANSIENT_SUBCODES = {2207001, 2207003, 2207008, 2207020, 2207027, 2207032, 2207053}


def meaning(subcode: int | None) -> str:
    return SUBCODE_MEANINGS.get(subcode or 0, f"Instagram refused the media (error {subcode})")


def _usage_retry_at(response: requests.Response) -> tuple[bool, datetime | None]:
    """(over the limit?, when access comes back) from Meta's usage headers. The BUC header
    names `estimated_time_to_regain_access` in minutes; X-App-Usage only gives percentages.
    https://developers.facebook.com/docs/graph-api/overview/rate-limiting/"""
    over, minutes = False, 0
    for header in ("X-Business-Use-Case-Usage", "X-App-Usage"):
        raw = response.headers.get(header)
        if not raw:
            continue
        try:
            parsed = json.loads(raw)
        except ValueError:
            continue
        # BUC: {"<id>": [{...}, ...]}; app usage: one flat object.
        entries = (
            [e for rows in parsed.values() if isinstance(rows, list) for e in rows]
            if header == "X-Business-Use-Case-Usage" and isinstance(parsed, dict)
            else [parsed]
        )
        for entry in entries:
            if not isinstance(entry, dict):
                continue
            usage = [_int(entry.get(k)) or 0 for k in ("call_count", "total_cputime", "total_time")]
            over = over or max(usage) >= 100
            minutes = max(minutes, _int(entry.get("estimated_time_to_regain_access")) or 0)
    retry_at = timezone.now() + timedelta(minutes=minutes) if minutes else None
    return over or minutes > 0, retry_at


def raise_for_response(response: requests.Response) -> None:
    body = json_body(response)
    if "error_type" in body:
        # api.instagram.com/oauth/access_token: OAuthException for a bad/used code.
        raise AuthRevoked(
            f"Instagram: {body.get('error_message') or body.get('error_type')}",
            status=response.status_code,
            platform_code=str(body.get("code", "")),
        )
    error = body.get("error") if isinstance(body.get("error"), dict) else {}
    code, subcode = _int(error.get("code")), _int(error.get("error_subcode"))
    message = str(error.get("error_user_msg") or error.get("message") or "")
    kwargs = {"status": response.status_code, "platform_code": f"{code or ''}/{subcode or ''}"}
    if subcode == QUOTA_SUBCODE:
        # retry_at unknown here: the publisher asks when the oldest publish leaves the window.
        raise QuotaExceeded(f"Instagram: {meaning(subcode)}", **kwargs)
    if code == 190:
        raise_meta_error(response, platform="Instagram")  # expired vs revoked by subcode
    if subcode in TRANSIENT_SUBCODES:
        raise Transient(f"Instagram: {meaning(subcode)} ({subcode}): {message}", **kwargs)
    if subcode and 2207000 <= subcode < 2208000:
        what = meaning(subcode)
        raise Rejected(f"Instagram: {what} ({subcode}): {message}", reason=what, **kwargs)
    over, retry_at = _usage_retry_at(response)
    if code in RATE_LIMIT_CODES or response.status_code == 429 or over:
        raise RateLimited(
            f"Instagram rate limit: {message or 'too many calls'}", retry_at=retry_at, **kwargs
        )
    raise_meta_error(response, platform="Instagram")


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
