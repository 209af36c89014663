"""Google errors: API bodies {"error":{"code","message","status"}} (google.rpc.Status) and
OAuth bodies {"error","error_description"} from oauth2.googleapis.com.
https://cloud.google.com/apis/design/errors

Two hooks: `raise_for_response` for the sign-in and account-listing calls, and
`raise_for_location_response` for calls on one location (localPosts, reviews), where a 403
means something else (see there).
"""

from __future__ import annotations

from datetime import timedelta

import requests
from django.utils import timezone

from connections.providers.base import (
    AuthExpired,
    AuthRevoked,
    RateLimited,
    Rejected,
    Transient,
)
from connections.providers.http import json_body

# Google sends no Retry-After with RESOURCE_EXHAUSTED; the Business Profile quotas are per
# minute (https://developers.google.com/my-business/content/limits), so the next minute is
# the earliest a retry can succeed.
QUOTA_WINDOW = timedelta(minutes=1)


def _rpc(response: requests.Response) -> tuple[dict, str, str, dict]:
    body = json_body(response)
    error = body.get("error")
    error = error if isinstance(error, dict) else {}
    rpc_status = str(error.get("status", ""))
    message = f"Google: {error.get('message') or f'HTTP {response.status_code}'}"
    return body, rpc_status, message, {"status": response.status_code, "platform_code": rpc_status}


def _raise_oauth(response: requests.Response, body: dict) -> None:
    # OAuth endpoint. invalid_grant: revoked, unused for 6 months, too many live refresh
    # tokens, or a Testing-status app's 7-day refresh token ran out.
    # https://developers.google.com/identity/protocols/oauth2#expiration
    status, error = response.status_code, str(body["error"])
    description = str(body.get("error_description") or error)
    kwargs = {"status": status, "platform_code": error}
    if error == "invalid_grant":
        raise AuthRevoked(f"Google: {description}", **kwargs)
    if status >= 500:
        raise Transient(f"Google: {description}", **kwargs)
    raise Rejected(f"Google: {description}", **kwargs)


def _raise_common(response: requests.Response, rpc_status: str, message: str, kwargs) -> None:
    status = response.status_code
    if status == 429 or rpc_status == "RESOURCE_EXHAUSTED":
        raise RateLimited(message, retry_at=timezone.now() + QUOTA_WINDOW, **kwargs)
    if status == 401 or rpc_status == "UNAUTHENTICATED":
        raise AuthExpired(message, **kwargs)
    if status >= 500:
        raise Transient(message, **kwargs)


def raise_for_response(response: requests.Response) -> None:
    body, rpc_status, message, kwargs = _rpc(response)
    if isinstance(body.get("error"), str):
        _raise_oauth(response, body)
    _raise_common(response, rpc_status, message, kwargs)
    # 403 PERMISSION_DENIED while listing accounts: the grant lacks a scope; the wizard shows
    # the missing scopes, so it is a refusal of this call, not a dead grant.
    raise Rejected(message, **kwargs)


def raise_for_location_response(response: requests.Response) -> None:
    """localPosts and reviews of one location (v4 `accounts/{a}/locations/{l}/...`)."""
    body, rpc_status, message, kwargs = _rpc(response)
    _raise_common(response, rpc_status, message, kwargs)
    if response.status_code == 403 or rpc_status == "PERMISSION_DENIED":
        # The signed-in user no longer manages this location (removed as owner/manager, or
        # the location moved to another account): nothing works until someone with access
        # reconnects it.
        raise AuthRevoked(f"{message} (lost access to the location)", **kwargs)
    # 400 INVALID_ARGUMENT (content refused, e.g. summary too long, bad media), 404 NOT_FOUND:
    # permanent for this request; Google's message says why.
    raise Rejected(message, **kwargs)
