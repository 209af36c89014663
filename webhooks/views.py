"""Public endpoints Meta calls. Thin: verify, store, hand to a service, answer.

/webhooks/<facebook|instagram>/                 GET handshake, POST signed events
/webhooks/<facebook|instagram>/deauthorize/     POST signed_request
/webhooks/<facebook|instagram>/data-deletion/   POST signed_request -> {url, confirmation_code}
/webhooks/<facebook|instagram>/data-deletion/<code>/   public status page
"""

from __future__ import annotations

import hmac

import structlog
from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from webhooks.models import DataDeletionRequest, DeliveryKind
from webhooks.platforms import META_APPS, MetaApp, verify_token
from webhooks.services.callbacks import deletion_request_create, meta_deauthorize
from webhooks.services.deliveries import delivery_record
from webhooks.signatures import SignatureError, parse_signed_request, verify_hub_signature
from webhooks.tasks import enqueue_deletion, enqueue_delivery

log = structlog.get_logger(__name__)


def _app(platform: str) -> MetaApp:
    app = META_APPS.get(platform)
    if app is None:
        raise Http404("No webhooks for this platform.")
    return app


def _forbidden() -> HttpResponse:
    # No detail: telling a forger why would help them.
    return HttpResponse("Forbidden\n", status=403, content_type="text/plain")


def _handshake(request: HttpRequest, app: MetaApp) -> HttpResponse:
    mode = request.GET.get("hub.mode", "")
    given = request.GET.get("hub.verify_token", "")
    expected = verify_token()
    ok = (
        mode == "subscribe"
        and bool(expected)
        and hmac.compare_digest(given.encode(), expected.encode())
    )
    if not ok:
        log.warning("webhook_handshake_refused", platform=app.slug, mode=mode[:32])
        return _forbidden()
    log.info("webhook_handshake_ok", platform=app.slug)
    # Meta expects the challenge echoed as is, nothing around it.
    return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")


def _receive(request: HttpRequest, app: MetaApp) -> HttpResponse:
    body = request.body  # the raw bytes: the signature covers exactly these
    error = ""
    try:
        verify_hub_signature(body, request.headers.get("X-Hub-Signature-256"), app.secret)
    except SignatureError as exc:
        error = exc.reason
    delivery = delivery_record(
        platform=app.slug,
        kind=DeliveryKind.EVENT,
        body=body,
        headers=request.headers,
        signature_error=error,
        remote_addr=request.META.get("REMOTE_ADDR"),
    )
    if error:
        return _forbidden()
    # Stored and committed above; processing happens in a worker, after this commit.
    transaction.on_commit(lambda: enqueue_delivery(delivery.pk))
    return HttpResponse("EVENT_RECEIVED", content_type="text/plain")


@csrf_exempt  # called by Meta; the signature is the authentication
@require_http_methods(["GET", "POST"])
def subscription(request: HttpRequest, platform: str) -> HttpResponse:
    app = _app(platform)
    if request.method == "GET":
        return _handshake(request, app)
    return _receive(request, app)


def _signed_callback(request: HttpRequest, app: MetaApp, kind: str):
    """Store the callback, verify its signed_request; (delivery, SignedRequest or None)."""
    body = request.body
    signed = None
    error = ""
    try:
        signed = parse_signed_request(request.POST.get("signed_request"), app.secret)
    except SignatureError as exc:
        error = exc.reason
    delivery = delivery_record(
        platform=app.slug,
        kind=kind,
        body=body,
        headers=request.headers,
        signature_error=error,
        remote_addr=request.META.get("REMOTE_ADDR"),
    )
    return delivery, signed


@csrf_exempt
@require_POST
def deauthorize(request: HttpRequest, platform: str) -> HttpResponse:
    app = _app(platform)
    delivery, signed = _signed_callback(request, app, DeliveryKind.DEAUTHORIZE)
    if signed is None:
        return _forbidden()
    revoked = meta_deauthorize(app=app, user_id=signed.user_id, delivery=delivery)
    return JsonResponse({"success": True, "revoked": revoked})


@csrf_exempt
@require_POST
def data_deletion(request: HttpRequest, platform: str) -> HttpResponse:
    app = _app(platform)
    delivery, signed = _signed_callback(request, app, DeliveryKind.DATA_DELETION)
    if signed is None:
        return _forbidden()
    deletion = deletion_request_create(
        app=app, user_id=signed.user_id, delivery=delivery, enqueue=enqueue_deletion
    )
    path = reverse(
        "webhooks:data-deletion-status",
        kwargs={"platform": app.slug, "code": deletion.confirmation_code},
    )
    # Absolute, on the public address: the user opens it from the platform's settings page.
    url = f"{settings.PUBLIC_BASE_URL.rstrip('/')}{path}"
    return JsonResponse({"url": url, "confirmation_code": deletion.confirmation_code})


@require_GET
def data_deletion_status(request: HttpRequest, platform: str, code: str) -> HttpResponse:
    """Public, no login: the code is the only key, and the page shows nothing but progress."""
    app = _app(platform)
    deletion = get_object_or_404(
        DataDeletionRequest.objects.only(
            "confirmation_code", "platform", "status", "requested_at", "started_at",
            "completed_at",
        ),
        platform=app.slug,
        confirmation_code=code,
    )  # fmt: skip
    response = render(
        request, "webhooks/data_deletion_status.html", {"app": app, "deletion": deletion}
    )
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
