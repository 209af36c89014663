"""Facebook Graph API errors onto the closed vocabulary: the shared Meta mapping (see
meta_errors.py for the codes and doc links), plus what only Page publishing meets.

- Throttling (codes 4/17/32/613/80001, "posting too fast" 1390008) carries a reset time only
  in the `X-Business-Use-Case-Usage` header: `estimated_time_to_regain_access`, in minutes,
  per object. `X-App-Usage` has none (the app limit is a rolling hour).
  https://developers.facebook.com/docs/graph-api/overview/rate-limiting/
- Media and permission subcodes seen in Page publishing get a reason a person can act on
  (PLATFORMS.md §2.5, from Postiz's facebook.provider.ts).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import requests
from django.utils import timezone

from connections.providers.base import RateLimited, Rejected
from connections.providers.http import json_body
from connections.providers.meta_errors import RATE_LIMIT_CODES, raise_meta_error

POSTING_TOO_FAST = 1390008  # code 368: "temporarily blocked", Meta says wait and retry

# Permanent refusals whose Graph message alone does not say what to do.
REASONS = {
    1366046: "The photo is larger than Facebook's 4 MB limit (or not a JPG, PNG, GIF or WebP).",
    2061006: "Facebook could not fetch the media URL; it must be public and reachable.",
    2069019: "Facebook could not read the file at the media URL as an image.",
    1404078: "The Page needs Page Publishing Authorization before it can publish.",
    1346003: "Facebook flagged the content as abusive.",
    1404102: "Facebook says the content goes against its Community Standards.",
    1609005: "Facebook refused the link.",
}


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def regain_at(response: requests.Response) -> datetime | None:
    """When the throttled object (the Page, for a Page token) may call again, from the
    largest `estimated_time_to_regain_access` in the BUC header; None when unknown."""
    raw = response.headers.get("X-Business-Use-Case-Usage") or ""
    try:
        usage = json.loads(raw) if raw else {}
    except ValueError:
        return None
    minutes = 0
    for entries in usage.values() if isinstance(usage, dict) else ():
        for entry in entries if isinstance(entries, list) else ():
            if isinstance(entry, dict):
                minutes = max(minutes, _int(entry.get("estimated_time_to_regain_access")) or 0)
    return timezone.now() + timedelta(minutes=minutes) if minutes > 0 else None


def raise_for_response(response: requests.Response) -> None:
    status = response.status_code
    error = json_body(response).get("error")
    error = error if isinstance(error, dict) else {}
    code, subcode = _int(error.get("code")), _int(error.get("error_subcode"))
    message = str(error.get("message") or f"HTTP {status}")
    kwargs = {"status": status, "platform_code": f"{code or ''}/{subcode or ''}"}
    if code in RATE_LIMIT_CODES or subcode == POSTING_TOO_FAST or status == 429:
        raise RateLimited(f"Facebook: {message}", retry_at=regain_at(response), **kwargs)
    if subcode in REASONS:
        reason = REASONS[subcode]
        raise Rejected(f"Facebook: {reason} ({message})", reason=reason, **kwargs)
    raise_meta_error(response, platform="Facebook")
