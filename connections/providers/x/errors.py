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


def _reset_at(response: requests.Response) -> datetime | None:
    # X sends no Retry-After; x-rate-limit-reset (and the 24-hour user limit's reset) are unix
    # seconds. https://docs.x.com/fundamentals/rate-limits
    for header in ("x-user-limit-24hour-reset", "x-rate-limit-reset"):
        value = response.headers.get(header)
        if value and value.isdigit():
            return datetime.fromtimestamp(int(value), tz=UTC)
    return None


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
