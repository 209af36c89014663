"""X's error bodies: problem objects for the API, OAuth bodies at the token endpoints."""

from django.http import HttpResponse

from sandbox.responses import json_response
from sandbox.tokens import TokenError


def problem(status: int, title: str, detail: str, type_: str = "about:blank") -> HttpResponse:
    return json_response(
        {"title": title, "type": type_, "status": status, "detail": detail}, status
    )


def oauth_error(error: str, description: str, status: int = 400) -> HttpResponse:
    return json_response({"error": error, "error_description": description}, status)


def token_error(exc: TokenError) -> HttpResponse:
    return problem(401, "Unauthorized", "Unauthorized")


def status_error(status: int) -> HttpResponse:
    if status == 429:
        response = problem(
            429,
            "Too Many Requests",
            "Too Many Requests",
            "https://api.twitter.com/2/problems/rate-limit-exceeded",
        )
        response["x-rate-limit-limit"] = "100"
        response["x-rate-limit-remaining"] = "0"
        import time

        response["x-rate-limit-reset"] = str(int(time.time()) + 900)
        return response
    return problem(status, "Service Unavailable", "Service Unavailable")
