"""Google's error bodies: google.rpc.Status for APIs, OAuth bodies at the token endpoint."""

from django.http import HttpResponse

from sandbox.responses import json_response
from sandbox.tokens import TokenError

_STATUS = {429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 502: "UNAVAILABLE", 503: "UNAVAILABLE"}


def rpc_error(status: int, message: str, rpc_status: str) -> HttpResponse:
    return json_response(
        {"error": {"code": status, "message": message, "status": rpc_status}}, status
    )


def oauth_error(error: str, description: str, status: int = 400) -> HttpResponse:
    return json_response({"error": error, "error_description": description}, status)


def token_error(exc: TokenError) -> HttpResponse:
    return rpc_error(
        401,
        "Request had invalid authentication credentials. Expected OAuth 2 access token.",
        "UNAUTHENTICATED",
    )


def status_error(status: int) -> HttpResponse:
    if status == 429:
        return rpc_error(
            429,
            "Quota exceeded for quota metric 'Requests' and limit 'Requests per minute'",
            "RESOURCE_EXHAUSTED",
        )
    return rpc_error(
        status, "The service is currently unavailable.", _STATUS.get(status, "UNAVAILABLE")
    )


def invalid_argument(detail: str) -> HttpResponse:
    """400 INVALID_ARGUMENT, with the reason after Google's usual sentence."""
    return rpc_error(400, f"Request contains an invalid argument: {detail}", "INVALID_ARGUMENT")


def not_found() -> HttpResponse:
    return rpc_error(404, "Requested entity was not found.", "NOT_FOUND")


def permission_denied() -> HttpResponse:
    return rpc_error(403, "The caller does not have permission", "PERMISSION_DENIED")


def quota_exceeded() -> HttpResponse:
    return status_error(429)
