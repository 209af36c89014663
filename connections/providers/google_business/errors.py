"""Google errors: API bodies {"error":{"code","message","status"}} (google.rpc.Status) and
OAuth bodies {"error","error_description"} from oauth2.googleapis.com.
https://cloud.google.com/apis/design/errors
"""

from __future__ import annotations

import requests

from connections.providers.base import (
    AuthExpired,
    AuthRevoked,
    RateLimited,
    Rejected,
    Transient,
)
from connections.providers.http import json_body


def raise_for_response(response: requests.Response) -> None:
    status = response.status_code
    body = json_body(response)
    error = body.get("error")
    if isinstance(error, str):
        # OAuth endpoint. invalid_grant: revoked, unused for 6 months, too many live refresh
        # tokens, or a Testing-status app's 7-day refresh token ran out.
        # https://developers.google.com/identity/protocols/oauth2#expiration
        description = str(body.get("error_description") or error)
        kwargs = {"status": status, "platform_code": error}
        if error == "invalid_grant":
            raise AuthRevoked(f"Google: {description}", **kwargs)
        if status >= 500:
            raise Transient(f"Google: {description}", **kwargs)
        raise Rejected(f"Google: {description}", **kwargs)
    error = error if isinstance(error, dict) else {}
    rpc_status = str(error.get("status", ""))
    message = f"Google: {error.get('message') or f'HTTP {status}'}"
    kwargs = {"status": status, "platform_code": rpc_status}
    if status == 429 or rpc_status == "RESOURCE_EXHAUSTED":
        raise RateLimited(message, **kwargs)
    if status == 401 or rpc_status == "UNAUTHENTICATED":
        raise AuthExpired(message, **kwargs)
    if status >= 500:
        raise Transient(message, **kwargs)
    # 403 PERMISSION_DENIED (location access lost) is permanent for this call.
    raise Rejected(message, **kwargs)
