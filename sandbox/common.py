"""What every sandbox platform's views share: the `endpoint` decorator (request log, faults,
token errors in the platform's format), client authentication, the consent page, codes and
PKCE."""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from sandbox import faults
from sandbox.models import SandboxGrant, SandboxRequest
from sandbox.platforms import CLIENTS, renderer
from sandbox.responses import json_response  # noqa: F401  (re-exported for views)
from sandbox.tokens import TokenError

_SECRET_PARAMS = {
    "client_secret",
    "code",
    "code_verifier",
    "access_token",
    "refresh_token",
    "fb_exchange_token",
    "token",
    "input_token",
}


def _params(request: HttpRequest) -> dict[str, str]:
    merged = {**request.GET.dict()}
    if request.content_type == "application/x-www-form-urlencoded":
        merged.update(request.POST.dict())
    return {k: ("[present]" if k in _SECRET_PARAMS and v else v) for k, v in merged.items()}


def endpoint(platform: str, name: str, *, scope: str = "api") -> Callable:
    """Wrap a sandbox view: record the request, apply a pending fault, render TokenError."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            auth = request.headers.get("Authorization", "").lower()
            params = _params(request)
            record = SandboxRequest.objects.create(
                platform=platform,
                endpoint=name,
                method=request.method,
                path=request.path,
                params=params,
                client_auth="basic"
                if auth.startswith("basic ")
                else ("body" if "client_secret" in params else ""),
                bearer=auth.startswith("bearer ") or "access_token" in params,
                grant_type=params.get("grant_type", ""),
            )
            response = None
            fault = faults.claim(platform, scope, request.path)
            if fault is not None:
                record.fault = fault.kind
                record.save(update_fields=["fault"])  # visible before a slow fault ends
                response = faults.apply(request, fault)
            if response is None:
                try:
                    response = view(request, *args, **kwargs)
                except TokenError as exc:
                    response = renderer(platform).token_error(exc)
            record.status = response.status_code
            record.save(update_fields=["status", "fault"])
            return response

        return wrapper

    return decorate


# --- Client authentication ---------------------------------------------------------------


def basic_client(request: HttpRequest) -> tuple[str, str] | None:
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip()).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, _, secret = decoded.partition(":")
    return client_id, secret


def body_client(request: HttpRequest) -> tuple[str, str] | None:
    data = request.POST if request.method == "POST" else request.GET
    if "client_id" not in data:
        return None
    return data.get("client_id", ""), data.get("client_secret", "")


def client_ok(platform: str, credentials: tuple[str, str] | None) -> bool:
    return credentials is not None and tuple(credentials) == CLIENTS[platform]


def known_client(platform: str, client_id: str) -> bool:
    return client_id == CLIENTS[platform][0]


# --- Consent, codes, PKCE ----------------------------------------------------------------


def pkce_ok(grant: SandboxGrant, verifier: str) -> bool:
    if not grant.code_challenge:
        return True  # the flow did not use PKCE
    if grant.code_challenge_method != "S256" or not verifier:
        return False
    digest = hashlib.sha256(verifier.encode()).digest()
    expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return secrets.compare_digest(expected, grant.code_challenge)


def take_grant(platform: str, code: str, redirect_uri: str) -> SandboxGrant | None:
    """The unexpired, unused grant for this code, consumed atomically (codes are single use)."""
    grant = SandboxGrant.objects.filter(platform=platform, code=code).first()
    if grant is None or grant.expires_at <= timezone.now() or grant.redirect_uri != redirect_uri:
        return None
    taken = SandboxGrant.objects.filter(pk=grant.pk, used_at__isnull=True).update(
        used_at=timezone.now()
    )
    return grant if taken else None


def consent(
    request: HttpRequest,
    *,
    platform: str,
    title: str,
    subject: str,
    scope_separator: str,
    deny_params: dict[str, str],
    code_suffix: str = "",
    require_pkce: bool = False,
) -> HttpResponse:
    """GET shows Approve/Deny; POST redirects back with a code, or with the platform's denial
    parameters."""
    data = request.POST if request.method == "POST" else request.GET
    client_id = data.get("client_id", "")
    redirect_uri = data.get("redirect_uri", "")
    state = data.get("state", "")
    scopes = [s for s in data.get("scope", "").replace(",", " ").split() if s]
    challenge = data.get("code_challenge", "")
    method = data.get("code_challenge_method", "")
    problem = ""
    if not known_client(platform, client_id):
        problem = "Unknown client_id: this app is not registered."
    elif not redirect_uri.startswith(("http://", "https://")):
        problem = "redirect_uri is missing or not absolute."
    elif require_pkce and (not challenge or method != "S256"):
        problem = "PKCE is required: send code_challenge with code_challenge_method=S256."
    if problem:
        return render(
            request, "sandbox/consent.html", {"title": title, "problem": problem}, status=400
        )
    if request.method == "GET":
        context = {
            "title": title,
            "platform": platform,
            "scopes": scopes,
            "fields": {k: v for k, v in data.items()},
        }
        return render(request, "sandbox/consent.html", context)
    if data.get("decision") != "approve":
        query = urlencode({**deny_params, "state": state})
        return HttpResponseRedirect(f"{redirect_uri}?{query}")
    grant = SandboxGrant.objects.create(
        platform=platform,
        code=secrets.token_urlsafe(24),
        client_id=client_id,
        redirect_uri=redirect_uri,
        scopes=scopes,
        subject=subject,
        code_challenge=challenge,
        code_challenge_method=method,
        expires_at=timezone.now() + timedelta(minutes=10),
    )
    query = urlencode({"code": grant.code, "state": state})
    return HttpResponseRedirect(f"{redirect_uri}?{query}{code_suffix}")
