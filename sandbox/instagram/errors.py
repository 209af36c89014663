"""Instagram's error bodies are Graph's (sandbox/meta.py). A 429 fault answers the Instagram
BUC throttle (code 80002) with the X-Business-Use-Case-Usage header Meta sends, naming when
access comes back (`estimated_time_to_regain_access`, minutes)."""

import json

from django.http import HttpResponse

from sandbox import meta
from sandbox.identities import INSTAGRAM_ACCOUNT
from sandbox.instagram import faults  # noqa: F401  (registers the container_error fault kind)
from sandbox.meta import graph_error, token_error

__all__ = ["status_error", "token_error"]
REGAIN_MINUTES = 5


def status_error(status: int) -> HttpResponse:
    if status != 429:
        return meta.status_error(status)
    response = graph_error(
        "(#80002) There have been too many calls to this Instagram account. Wait a bit and "
        "try again.",
        code=80002,
        status=status,
        transient=True,
    )
    usage = {
        "type": "instagram",
        "call_count": 100,
        "total_cputime": 12,
        "total_time": 20,
        "estimated_time_to_regain_access": REGAIN_MINUTES,
    }
    response["X-Business-Use-Case-Usage"] = json.dumps({INSTAGRAM_ACCOUNT["user_id"]: [usage]})
    return response
