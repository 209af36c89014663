"""LinkedIn errors: REST bodies {"status","serviceErrorCode","code","message"} and OAuth
bodies {"error","error_description"} at /oauth/v2/*.
https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/error-handling
"""

from __future__ import annotations

import re

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

_DUPLICATE = re.compile(r"duplicate of (urn:li:[A-Za-z]+:[\w-]+)")


def raise_for_response(response: requests.Response) -> None:
    status = response.status_code
    body = json_body(response)
    message = str(body.get("message") or body.get("error_description") or f"HTTP {status}")
    service_code = body.get("serviceErrorCode")
    kwargs = {"status": status, "platform_code": str(service_code or body.get("error") or "")}
    text = f"LinkedIn: {message}"
    if status == 429:
        # Daily app/member limits reset at midnight UTC; no headers say when.
        # https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/rate-limits
        raise RateLimited(text, **kwargs)
    if body.get("error") in ("invalid_grant", "invalid_request"):
        # Token endpoint: the code or refresh token is dead (refresh tokens have a fixed
        # 365-day life from the first grant and are not extended by refreshing).
        raise AuthRevoked(text, **kwargs)
    if status == 401:
        # 65601 REVOKED_ACCESS_TOKEN: the member removed the app. 65602 expired, 65600 invalid.
        if service_code == 65601 or body.get("code") == "REVOKED_ACCESS_TOKEN":
            raise AuthRevoked(text, **kwargs)
        raise AuthExpired(text, **kwargs)
    if status == 422 and (match := _DUPLICATE.search(message)):
        # The named URN is the live post: proof an earlier attempt went through.
        raise Duplicate(text, existing_id=match.group(1), **kwargs)
    if status >= 500:
        raise Transient(text, **kwargs)
    raise Rejected(text, **kwargs)
