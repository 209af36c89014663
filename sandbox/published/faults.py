"""Publish-side fault kinds, registered with sandbox.faults (see its docstring for the API).

- latency: sleep `seconds`, then answer normally.
- accepted_timeout: run the real endpoint (the post IS accepted and recorded), then hold the
  answer for `seconds` so the client's read timeout fires: "the post may exist".
"""

from __future__ import annotations

import inspect
import time

from django.http import HttpRequest, HttpResponse
from django.urls import resolve

from sandbox.faults import fault_kind
from sandbox.models import SandboxFault


@fault_kind("latency")
def _latency(request: HttpRequest, fault: SandboxFault) -> None:
    time.sleep(float(fault.options.get("seconds", 1)))
    return None


@fault_kind("accepted_timeout")
def _accepted_timeout(request: HttpRequest, fault: SandboxFault) -> HttpResponse:
    match = resolve(request.path_info)
    # The undecorated view: the endpoint wrapper already logged the request and took this
    # fault, and must not take another.
    view = inspect.unwrap(match.func)
    response = view(request, *match.args, **match.kwargs)
    time.sleep(float(fault.options.get("seconds", 30)))
    return response
