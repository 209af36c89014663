"""Instagram's own fault kind, registered with sandbox.faults (see its docstring):

- container_error: the container is created normally, then its processing fails: status
  reads answer `status_code=ERROR` and `status` naming `options.subcode` (default 2207001,
  server error; 2207003 download timeout, 2207004 too large, 2207009 aspect ratio, ...).
  Aim it at container creation with `path_contains="<ig-id>/media"` (scope "publish"); on any
  other request it lets the call through unchanged.
"""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.urls import resolve

from sandbox.faults import fault_kind
from sandbox.models import SandboxFault


@fault_kind("container_error")
def _container_error(request: HttpRequest, fault: SandboxFault) -> HttpResponse | None:
    from sandbox.instagram import publish

    if request.method != "POST" or not request.path.rstrip("/").endswith("/media"):
        return None
    match = resolve(request.path_info)
    account, refused = publish._account(request, match.kwargs["ig_id"], publish=True)
    if refused is not None:
        return refused
    response = publish.create_container(request, account)
    if response.status_code == 200:
        container_id = json.loads(response.content)["id"]
        publish.fail_container(container_id, int(fault.options.get("subcode", 2207001)))
    return response
