"""Fault kinds for syncs (registered with sandbox.faults; see its docstring for the API).

- status_on_nth: let the first `count - 1` matching calls through and answer the last one
  with `options.status` in the platform's format, e.g. count=2 + status 429: "the second
  listing page is rate-limited", a 429 in the middle of a sync.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from sandbox.faults import fault_kind
from sandbox.models import SandboxFault


@fault_kind("status_on_nth")
def _status_on_nth(request: HttpRequest, fault: SandboxFault) -> HttpResponse | None:
    from sandbox.platforms import renderer

    # `fault` is the row as read before this use was taken off: 1 means this is the last.
    if fault.remaining > 1:
        return None
    return renderer(fault.platform).status_error(int(fault.options.get("status", 429)))
