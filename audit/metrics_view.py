"""GET /metrics for Prometheus, behind a bearer token and/or an IP allow-list.

With METRICS_TOKEN set, a scrape must send `Authorization: Bearer <token>`. With
METRICS_ALLOWED_IPS set, it must come from one of those addresses or networks. With both, it
must pass both. With neither, the endpoint is off (404): metrics are never public by
accident."""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from audit.metrics import registry


def _ip_allowed(request: HttpRequest) -> bool:
    try:
        client = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(client in ipaddress.ip_network(net, strict=False)
               for net in settings.METRICS_ALLOWED_IPS)  # fmt: skip


def _token_ok(request: HttpRequest) -> bool:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, given = header.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), settings.METRICS_TOKEN.encode()
    )


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    token, ips = settings.METRICS_TOKEN, settings.METRICS_ALLOWED_IPS
    if not token and not ips:
        raise Http404("Metrics are not enabled.")
    if (ips and not _ip_allowed(request)) or (token and not _token_ok(request)):
        response = HttpResponse("Forbidden\n", status=403, content_type="text/plain")
        if token:
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
