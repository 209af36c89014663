"""X (Twitter) API v2 errors onto the closed vocabulary.

API errors are RFC 7807 problem objects ({"title","type","status","detail"}); the token
endpoints answer OAuth 2.0 error bodies ({"error","error_description"}).
https://docs.x.com/x-api/fundamentals/response-codes-and-errors
"""

from __future__ import annotations

from datetime import UTC, datetime

import requests

from connections.providers.base import (
    AuthExpired,
    AuthRevoked,
    Duplicate,
    RateLimited,
    Rejected,
    Transient,
)
from connections.providers.http import json_body

# Each window X may report, as the prefix of its -limit / -remaining / -reset headers.
_WINDOWS = ("x-rate-limit", "x-user-limit-24hour", "x-app-limit-24hour")


def _reset_at(response: requests.Response) -> datetime | None:
    """When to try again: the reset of the window that is spent. X sends no Retry-After; each
    window has its own reset (unix seconds), and the 24-hour ones appear on some tiers only.
    Waiting for a 24-hour reset when only the 15-minute window is spent would hold a post up
    to a day. https://docs.x.com/fundamentals/rate-limits"""
    headers = response.headers

    def reset(window: str) -> int | None:
        value = headers.get(f"{window}-reset", "")
        return int(value) if value.isdigit() else None

    # Every spent window must have reset; with none marked spent, the endpoint's own.
    spent = [reset(w) for w in _WINDOWS if headers.get(f"{w}-remaining") == "0"]
    found = [r for r in spent if r is not None] or [r for r in [reset("x-rate-limit")] if r]
    return datetime.fromtimestamp(max(found), tz=UTC) if found else None


def raise_for_response(response: requests.Response) -> None:
    status = response.status_code
    body = json_body(response)
    detail = str(body.get("detail") or body.get("error_description") or body.get("title") or "")
    oauth_error = str(body.get("error") or "")
    kwargs = {"status": status, "platform_code": oauth_error or str(body.get("type", ""))}
    if status == 429:
        # Includes the pay-per-use "usage-capped" problem type: also a wait, not a failure.
        raise RateLimited(
            f"X rate limit: {detail or 'too many requests'}", retry_at=_reset_at(response), **kwargs
        )
    if oauth_error in ("invalid_request", "invalid_grant"):
        # At the token endpoint: the refresh token (or code) is dead. A reused rotating
        # refresh token also kills its whole family, so only a new consent helps.
        # https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code
        raise AuthRevoked(f"X refused the grant: {detail or oauth_error}", **kwargs)
    if oauth_error in ("invalid_client", "unauthorized_client"):
        raise Rejected(f"X refused our client credentials: {detail or oauth_error}", **kwargs)
    if status == 401:
        # "Unsupported Authentication" means the token type can never work: reconnect.
        if "unsupported authentication" in detail.lower():
            raise AuthRevoked(f"X: {detail}", **kwargs)
        raise AuthExpired(f"X: {detail or 'unauthorized'}", **kwargs)
    if status == 403 and "duplicate" in detail.lower():
        raise Duplicate(f"X: {detail}", **kwargs)
    if status >= 500:
        raise Transient(f"X server error {status}", **kwargs)
    raise Rejected(f"X: {detail or f'HTTP {status}'}", **kwargs)
