"""Graph API error bodies shared by the Facebook and Instagram sandboxes."""

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
