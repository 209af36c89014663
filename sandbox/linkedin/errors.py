"""LinkedIn's error bodies: REST {"status","serviceErrorCode","code","message"}; OAuth
{"error","error_description"} at /oauth/v2/*."""

from django.http import HttpResponse

from sandbox.responses import json_response
from sandbox.tokens import TokenError


def rest_error(
    status: int, message: str, service_code: int | None = None, code: str = ""
) -> HttpResponse:
    body: dict = {"status": status, "message": message}
    if service_code is not None:
        body["serviceErrorCode"] = service_code
    if code:
        body["code"] = code
    return json_response(body, status)


def oauth_error(error: str, description: str, status: int = 400) -> HttpResponse:
    return json_response({"error": error, "error_description": description}, status)


def token_error(exc: TokenError) -> HttpResponse:
    if exc.reason == "revoked":
        return rest_error(
            401,
            "The token used in the request has been revoked by the user",
            65601,
            "REVOKED_ACCESS_TOKEN",
        )
    if exc.reason == "expired":
        return rest_error(
            401, "The token used in the request has expired", 65602, "EXPIRED_ACCESS_TOKEN"
        )
    return rest_error(401, "Invalid access token", 65600, "INVALID_ACCESS_TOKEN")


def status_error(status: int) -> HttpResponse:
    if status == 429:
        return rest_error(
            429,
            "Resource level throttle APPLICATION DAY limit for calls to this resource is reached.",
        )
    return rest_error(status, "Service Unavailable")


# --- Publishing (sandbox/linkedin/publish.py) -----------------------------------------------


def access_denied(resource: str) -> HttpResponse:
    return rest_error(403, f"Not enough permissions to access: {resource}", 100, "ACCESS_DENIED")


def not_found(what: str) -> HttpResponse:
    return rest_error(404, f"Not Found: {what}", code="NOT_FOUND")


def invalid(path: str, problem: str) -> HttpResponse:
    """Rest.li schema validation failures: 422 with the offending field's path."""
    return rest_error(422, f"ERROR :: {path} :: {problem}", code="UNPROCESSABLE_ENTITY")


def duplicate(urn: str) -> HttpResponse:
    # The named URN is the live post (PLATFORMS.md §3.3).
    return rest_error(422, f"Content is a duplicate of {urn}", code="DUPLICATE_POST")


def member_day_limit() -> HttpResponse:
    # No Retry-After and no rate-limit headers: LinkedIn's limits reset at midnight UTC.
    return rest_error(
        429, "Resource level throttle MEMBER DAY limit for calls to this resource is reached."
    )
