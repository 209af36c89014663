"""Facebook's error bodies: the shared Graph shapes (sandbox/meta.py). A throttling fault
(status 429 -> code 4, the app limit) also carries the app's usage at 100%, as Graph does."""

from django.http import HttpResponse

from sandbox import meta
from sandbox.meta import token_error

__all__ = ["status_error", "token_error"]


def status_error(status: int) -> HttpResponse:
    response = meta.status_error(status)
    if status == 429:
        response["X-App-Usage"] = meta.app_usage_header(100)
    return response
