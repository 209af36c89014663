"""LinkedIn errors: REST bodies {"status","serviceErrorCode","code","message"} and OAuth
bodies {"error","error_description"} at /oauth/v2/*.
https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/error-handling
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

import requests

from connections.providers.base import (
    AuthExpired,
    AuthRevoked,
    Duplicate,
    QuotaExceeded,
    RateLimited,
    Rejected,
    Transient,
)
from connections.providers.http import json_body

_DUPLICATE = re.compile(r"duplicate of (urn:li:[A-Za-z]+:[\w-]+)")
# "Resource level throttle APPLICATION DAY limit ...", "... MEMBER DAY limit ...": the window
# is named in the message.
_DAILY = re.compile(r"\bDAY\b|\bdaily\b", re.IGNORECASE)
# 65600 INVALID_ACCESS_TOKEN (unknown or malformed: refreshing cannot fix it), 65601
# REVOKED_ACCESS_TOKEN (the member removed the app), 65602 EXPIRED_ACCESS_TOKEN.
_REVOKED_CODES = {65600, 65601}
_REVOKED_NAMES = {"INVALID_ACCESS_TOKEN", "REVOKED_ACCESS_TOKEN"}


def next_midnight_utc(now: datetime | None = None) -> datetime:
    """LinkedIn's daily limits (application and member) reset at 00:00 UTC."""
    now = now or datetime.now(UTC)
    return datetime.combine(now.astimezone(UTC).date() + timedelta(days=1), time(), tzinfo=UTC)


def _throttled(text: str, message: str, kwargs: dict) -> RateLimited:
    """429 carries no Retry-After and no rate-limit headers
    (https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/rate-limits), so the
    body decides. A message naming the DAY window is a daily limit: nothing helps before
    midnight UTC, so the job is rescheduled there (QuotaExceeded: never a failure). A 429 that
    names no window is a short burst throttle: the normal backoff retries it soon; if it was in
    fact the daily limit, that retry answers with the DAY message and goes to midnight then,
    instead of one vague 429 holding a post back for up to a day."""
    if _DAILY.search(message):
        return QuotaExceeded(text, retry_at=next_midnight_utc(), **kwargs)
    return RateLimited(text, **kwargs)


def raise_for_response(response: requests.Response) -> None:
    status = response.status_code
    body = json_body(response)
    message = str(body.get("message") or body.get("error_description") or f"HTTP {status}")
    service_code = body.get("serviceErrorCode")
    kwargs = {"status": status, "platform_code": str(service_code or body.get("error") or "")}
    text = f"LinkedIn: {message}"
    if status == 429:
        raise _throttled(text, message, kwargs)
    if body.get("error") in ("invalid_grant", "invalid_request"):
        # Token endpoint: the code or refresh token is dead (refresh tokens have a fixed
        # 365-day life from the first grant and are not extended by refreshing).
        raise AuthRevoked(text, **kwargs)
    if status == 401:
        if service_code in _REVOKED_CODES or body.get("code") in _REVOKED_NAMES:
            raise AuthRevoked(text, **kwargs)
        # 65602 EXPIRED_ACCESS_TOKEN, or a bare 401: refresh once and try again.
        raise AuthExpired(text, **kwargs)
    if status == 422 and (match := _DUPLICATE.search(message)):
        # The named URN is the live post: proof an earlier attempt went through.
        raise Duplicate(text, existing_id=match.group(1), **kwargs)
    if status >= 500:
        raise Transient(text, **kwargs)
    raise Rejected(text, **kwargs)
