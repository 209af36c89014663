"""Graph API error bodies, shared by Facebook and Instagram (same shape, same codes):
{"error": {"message", "type", "code", "error_subcode", "is_transient", "fbtrace_id"}}.
https://developers.facebook.com/docs/graph-api/guides/error-handling
"""

from __future__ import annotations

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

# Throttling codes: app (4), user (17), page (32), custom (613), BUC (80001 Pages, 80002 IG).
# https://developers.facebook.com/docs/graph-api/overview/rate-limiting/
RATE_LIMIT_CODES = {4, 17, 32, 341, 613, 80001, 80002}
# Code 190 subcodes that mean a person must log in again: 458 app removed, 459 checkpoint,
# 460 password changed, 464 unconfirmed user, 467 logged out / invalid. 463 is plain expiry.
REAUTH_SUBCODES = {458, 459, 460, 464, 467, 492}


def raise_meta_error(response: requests.Response, *, platform: str) -> None:
    status = response.status_code
    error = json_body(response).get("error") or {}
    if not isinstance(error, dict):  # Instagram's token endpoint sometimes answers flat
        error = {"message": str(error)}
    message = str(error.get("message") or error.get("error_message") or f"HTTP {status}")
    code = _int(error.get("code"))
    subcode = _int(error.get("error_subcode"))
    kwargs = {"status": status, "platform_code": f"{code or ''}/{subcode or ''}"}
    text = f"{platform}: {message}"
    if code in RATE_LIMIT_CODES or status == 429 or (code == 9 and subcode == 2207042):
        # No reset time is given; 2207042 is Instagram's 24 h publishing quota.
        raise RateLimited(text, **kwargs)
    if (
        code == 190
        or "REVOKED_ACCESS_TOKEN" in message
        or "session has been invalidated" in message
    ):
        if subcode == 463:
            raise AuthExpired(text, **kwargs)
        # Facebook tokens cannot be refreshed: an invalid one needs a new login.
        raise AuthRevoked(text, **kwargs)
    if code == 506 or subcode == 1366051:
        raise Duplicate(text, **kwargs)
    if code in (1, 2) or error.get("is_transient") is True or status >= 500:
        raise Transient(text, **kwargs)
    if error.get("type") == "OAuthException" and code in (100, 101) and "code" in message.lower():
        # An authorization code that is wrong, used or expired: the grant never happened.
        raise AuthRevoked(text, **kwargs)
    raise Rejected(text, **kwargs)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
