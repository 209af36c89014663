"""The sandbox's control API (JSON), for tests and the demo:

GET/POST/DELETE /sandbox/_control/faults   list / add / clear faults
GET             /sandbox/_control/requests  the request log (?platform=&endpoint=)
POST            /sandbox/_control/reset     forget tokens, grants, faults and the log
"""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from sandbox import faults
from sandbox.models import SandboxFault, SandboxGrant, SandboxRequest, SandboxToken
from sandbox.platforms import RENDERERS


def _fault_json(fault: SandboxFault) -> dict:
    return {
        "id": fault.pk,
        "platform": fault.platform,
        "kind": fault.kind,
        "scope": fault.scope,
        "path_contains": fault.path_contains,
        "remaining": fault.remaining,
        "options": fault.options,
    }


@csrf_exempt
@require_http_methods(["GET", "POST", "DELETE"])
def faults_view(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        listed = SandboxFault.objects.filter(remaining__gt=0).order_by("id")
        return JsonResponse(
            {"faults": [_fault_json(f) for f in listed], "kinds": sorted(faults.FAULT_KINDS)}
        )
    if request.method == "DELETE":
        faults.clear_faults(request.GET.get("platform") or None)
        return JsonResponse({"cleared": True})
    try:
        body = json.loads(request.body or b"{}")
        if body.get("platform") not in RENDERERS:
            raise ValueError(f"platform must be one of {', '.join(RENDERERS)}")
        fault = faults.add_fault(
            platform=body["platform"],
            kind=str(body.get("kind", "")),
            count=int(body.get("count", 1)),
            scope=str(body.get("scope", "any")),
            path_contains=str(body.get("path_contains", "")),
            options=dict(body.get("options") or {}),
        )
    except (ValueError, TypeError, KeyError) as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse(_fault_json(fault), status=201)


@require_http_methods(["GET"])
def requests_view(request: HttpRequest) -> HttpResponse:
    log = SandboxRequest.objects.order_by("-id")
    for name in ("platform", "endpoint"):
        if request.GET.get(name):
            log = log.filter(**{name: request.GET[name]})
    rows = log.values(
        "id",
        "platform",
        "endpoint",
        "method",
        "path",
        "params",
        "client_auth",
        "bearer",
        "grant_type",
        "status",
        "fault",
        "created_at",
    )[:200]
    return JsonResponse({"requests": list(rows)})


@csrf_exempt
@require_http_methods(["POST"])
def reset_view(request: HttpRequest) -> HttpResponse:
    for model in (SandboxFault, SandboxGrant, SandboxToken, SandboxRequest):
        model.objects.all().delete()
    return JsonResponse({"reset": True})


def avatar(request: HttpRequest, platform: str, key: str) -> HttpResponse:
    """A small generated avatar, so cards have a picture without any external host."""
    hue = sum(key.encode()) % 360
    letter = (platform[:1] or "?").upper()
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64">'
        f'<rect width="64" height="64" rx="32" fill="hsl({hue},55%,45%)"/>'
        '<text x="32" y="41" font-size="28" text-anchor="middle" fill="#fff" '
        f'font-family="sans-serif">{letter}</text></svg>'
    )
    return HttpResponse(svg, content_type="image/svg+xml")
