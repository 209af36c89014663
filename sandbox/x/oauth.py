"""Sandbox X OAuth 2.0: PKCE S256 required, HTTP Basic client auth at the token endpoints,
2 h access tokens, rotating single-use refresh tokens (offline.access) with reuse detection
that revokes the whole family."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from sandbox import tokens
from sandbox.common import (
    basic_client,
    client_ok,
    consent,
    endpoint,
    json_response,
    pkce_ok,
    take_grant,
)
from sandbox.identities import X_USER, avatar_url
from sandbox.models import SandboxToken
from sandbox.x.errors import oauth_error

P = "x"


@endpoint(P, "authorize", scope="oauth")
def authorize(request: HttpRequest) -> HttpResponse:
    return consent(
        request,
        platform=P,
        title="X",
        subject=X_USER["id"],
        scope_separator=" ",
        deny_params={"error": "access_denied"},
        require_pkce=True,
    )


def _pair(*, subject: str, client_id: str, scopes: list[str], family: str | None) -> dict:
    access = tokens.issue(
        P,
        kind=SandboxToken.ACCESS,
        subject=subject,
        client_id=client_id,
        scopes=scopes,
        ttl=tokens.lifetime(P, "ACCESS_TTL"),
        family=family,
    )
    body = {
        "token_type": "bearer",
        "expires_in": tokens.lifetime(P, "ACCESS_TTL"),
        "access_token": access.token,
        "scope": " ".join(scopes),
    }
    if "offline.access" in scopes:
        refresh = tokens.issue(
            P,
            kind=SandboxToken.REFRESH,
            subject=subject,
            client_id=client_id,
            scopes=scopes,
            ttl=tokens.lifetime(P, "REFRESH_TTL"),
            family=access.family,
        )
        body["refresh_token"] = refresh.token
    return body


@endpoint(P, "token", scope="oauth")
def token(request: HttpRequest) -> HttpResponse:
    credentials = basic_client(request)
    if not client_ok(P, credentials):
        # Confidential clients must authenticate with HTTP Basic.
        return oauth_error("unauthorized_client", "Missing valid authorization header", 401)
    grant_type = request.POST.get("grant_type")
    if grant_type == "authorization_code":
        grant = take_grant(P, request.POST.get("code", ""), request.POST.get("redirect_uri", ""))
        if grant is None:
            return oauth_error(
                "invalid_request", "Value passed for the authorization code was invalid."
            )
        if not pkce_ok(grant, request.POST.get("code_verifier", "")):
            return oauth_error(
                "invalid_request", "Value passed for the code verifier did not match."
            )
        return json_response(
            _pair(subject=grant.subject, client_id=credentials[0], scopes=grant.scopes, family=None)
        )
    if grant_type == "refresh_token":
        return _refresh(request.POST.get("refresh_token", ""), credentials[0])
    return oauth_error("unsupported_grant_type", "grant_type not supported")


def _refresh(value: str, client_id: str) -> HttpResponse:
    invalid = oauth_error("invalid_request", "Value passed for the token was invalid.")
    current = SandboxToken.objects.filter(
        platform=P, kind=SandboxToken.REFRESH, token=value
    ).first()
    if current is None or current.revoked_at is not None:
        return invalid
    with transaction.atomic():
        spent = SandboxToken.objects.filter(pk=current.pk, used_at__isnull=True).update(
            used_at=timezone.now()
        )
        if not spent:
            # Reuse of a spent refresh token: treat the family as stolen and kill it.
            tokens.revoke_family(current)
            return invalid
        body = _pair(
            subject=current.subject,
            client_id=client_id,
            scopes=current.scopes,
            family=current.family,
        )
    return json_response(body)


@endpoint(P, "revoke", scope="oauth")
def revoke(request: HttpRequest) -> HttpResponse:
    if not client_ok(P, basic_client(request)):
        return oauth_error("unauthorized_client", "Missing valid authorization header", 401)
    found = SandboxToken.objects.filter(platform=P, token=request.POST.get("token", "")).first()
    if found is not None:
        tokens.revoke_family(found)
    return json_response({"revoked": True})


@endpoint(P, "users_me")
def users_me(request: HttpRequest) -> HttpResponse:
    tokens.authenticate(request, P)
    user = {**X_USER, "profile_image_url": avatar_url(request, P, X_USER["id"])}
    return json_response({"data": user})
