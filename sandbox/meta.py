"""Graph API error bodies and rate-limit headers shared by the Facebook and Instagram
sandboxes."""

import json

from django.http import HttpResponse

from sandbox.responses import json_response
from sandbox.tokens import TokenError

# Code 190 subcodes: 463 expired, 458 app removed (deauthorized), 467 invalid.
_TOKEN_SUBCODES = {"expired": 463, "revoked": 458, "invalid": 467, "missing": None}


def graph_error(
    message: str, *, code: int, subcode: int | None = None, status: int = 400, transient=False
) -> HttpResponse:
    error = {
        "message": message,
        "type": "OAuthException",
        "code": code,
        "is_transient": transient,
        "fbtrace_id": "SandboxTrace01",
    }
    if subcode is not None:
        error["error_subcode"] = subcode
    return json_response({"error": error}, status)


def token_error(exc: TokenError) -> HttpResponse:
    if exc.reason == "missing":
        return graph_error("An active access token must be used to query information.", code=2500)
    messages = {
        "expired": "Error validating access token: Session has expired.",
        "revoked": "Error validating access token: The user has not authorized application.",
        "invalid": "Invalid OAuth access token - Cannot parse access token",
    }
    return graph_error(messages[exc.reason], code=190, subcode=_TOKEN_SUBCODES[exc.reason])


def status_error(status: int) -> HttpResponse:
    if status == 429:
        # Graph throttling normally comes as 400/403 with code 4 (app limit), not 429; the
        # fault's status is honoured so both shapes can be exercised.
        return graph_error(
            "(#4) Application request limit reached", code=4, status=status, transient=True
        )
    return graph_error("An unexpected error has occurred.", code=2, status=status, transient=True)


# --- Rate-limit signalling (PLATFORMS.md §2.4), shared by the Page and Instagram sandboxes ---
# https://developers.facebook.com/docs/graph-api/overview/rate-limiting/

THROTTLE_MESSAGES = {
    4: "(#4) Application request limit reached",
    17: "(#17) User request limit reached",
    32: "(#32) Page request limit reached",
    613: "(#613) Calls to this api have exceeded the rate limit.",
    80001: (
        "(#80001) There have been too many calls to this Page account. Wait a bit and try "
        "again. For more info, please refer to "
        "https://developers.facebook.com/docs/graph-api/overview/rate-limiting."
    ),
    80002: (
        "(#80002) There have been too many calls to this Instagram account. Wait a bit and "
        "try again. For more info, please refer to "
        "https://developers.facebook.com/docs/graph-api/overview/rate-limiting."
    ),
}


def throttle_error(code: int, *, status: int = 400) -> HttpResponse:
    """Graph throttling: normally HTTP 400 (or 403), not 429; the caller picks the status."""
    message = THROTTLE_MESSAGES.get(code, f"(#{code}) Rate limit reached")
    return graph_error(message, code=code, status=status, transient=True)


def app_usage_header(percent: int) -> str:
    """`X-App-Usage`: the app's share of its hourly limit. The sandbox has one measure (calls),
    so the CPU-time and total-time shares report the same figure."""
    return json.dumps({"call_count": percent, "total_cputime": percent, "total_time": percent})


def buc_usage_header(object_id: str, kind: str, percent: int, regain_minutes: int) -> str:
    """`X-Business-Use-Case-Usage` for one object (a Page: kind "pages"; an Instagram account:
    "instagram"); `estimated_time_to_regain_access` is in minutes, 0 when not throttled."""
    entry = {
        "type": kind,
        "call_count": percent,
        "total_cputime": percent,
        "total_time": percent,
        "estimated_time_to_regain_access": regain_minutes,
    }
    return json.dumps({object_id: [entry]})
