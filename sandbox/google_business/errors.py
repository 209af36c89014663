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
