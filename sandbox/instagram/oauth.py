"""Sandbox Instagram Login: authorize (with the "#_" redirect quirk), the code exchange
(client secret in the body, flat response), ig_exchange_token for a 60-day token, and
ig_refresh_token (only for tokens at least MIN_REFRESH_AGE old)."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from sandbox import tokens
from sandbox.common import body_client, client_ok, consent, endpoint, json_response, take_grant
from sandbox.identities import INSTAGRAM_ACCOUNT, avatar_url
from sandbox.meta import graph_error
from sandbox.models import SandboxToken

P = "instagram"
LONG = SandboxToken.LONG


@endpoint(P, "authorize", scope="oauth")
def authorize(request: HttpRequest) -> HttpResponse:
    return consent(
        request,
        platform=P,
        title="Instagram",
        subject=INSTAGRAM_ACCOUNT["user_id"],
        scope_separator=",",
        deny_params={
            "error": "access_denied",
            "error_reason": "user_denied",
            "error_description": "The user denied your request.",
        },
        code_suffix="#_",
    )


@endpoint(P, "access_token", scope="oauth")
def access_token(request: HttpRequest) -> HttpResponse:
    if not client_ok(P, body_client(request)):
        return json_response(
            {"error_type": "OAuthException", "code": 400, "error_message": "Invalid client_secret"},
            400,
        )
    grant = take_grant(P, request.POST.get("code", ""), request.POST.get("redirect_uri", ""))
    if grant is None:
        return json_response(
            {
                "error_type": "OAuthException",
                "code": 400,
                "error_message": "This authorization code has been used",
            },
            400,
        )
    short = tokens.issue(
        P,
        kind=SandboxToken.ACCESS,
        subject=grant.subject,
        client_id=grant.client_id,
        scopes=grant.scopes,
        ttl=tokens.lifetime(P, "ACCESS_TTL"),
    )
    return json_response(
        {
            "access_token": short.token,
            "user_id": grant.subject,
            "permissions": ",".join(grant.scopes),
        }
    )


def _long_lived(short: SandboxToken) -> HttpResponse:
    ttl = tokens.lifetime(P, "LONG_LIVED_TTL")
    long = tokens.issue(
        P,
        kind=LONG,
        subject=short.subject,
        client_id=short.client_id,
        scopes=short.scopes,
        ttl=ttl,
        family=short.family,
    )
    return json_response({"access_token": long.token, "token_type": "bearer", "expires_in": ttl})


@endpoint(P, "exchange_token", scope="oauth")
def exchange_token(request: HttpRequest) -> HttpResponse:
    if request.GET.get("grant_type") != "ig_exchange_token":
        return graph_error("Unsupported grant_type", code=100)
    if request.GET.get("client_secret") != body_client_secret():
        return graph_error("Error validating client secret.", code=101)
    short = tokens.check(request.GET.get("access_token", ""), P, kinds=(SandboxToken.ACCESS,))
    return _long_lived(short)


def body_client_secret() -> str:
    from sandbox.platforms import CLIENTS

    return CLIENTS[P][1]


@endpoint(P, "refresh_access_token", scope="oauth")
def refresh_access_token(request: HttpRequest) -> HttpResponse:
    if request.GET.get("grant_type") != "ig_refresh_token":
        return graph_error("Unsupported grant_type", code=100)
    current = tokens.check(request.GET.get("access_token", ""), P, kinds=(LONG,))
    min_age = timedelta(seconds=tokens.lifetime(P, "MIN_REFRESH_AGE") or 0)
    if timezone.now() - current.created_at < min_age:
        # Tokens must be at least 24 hours old to be refreshed.
        return graph_error("Access token is too new to be refreshed", code=100)
    return _long_lived(current)


@endpoint(P, "me")
def me(request: HttpRequest) -> HttpResponse:
    tokens.authenticate(request, P, kinds=(LONG, SandboxToken.ACCESS))
    body = {
        **INSTAGRAM_ACCOUNT,
        "profile_picture_url": avatar_url(request, P, INSTAGRAM_ACCOUNT["user_id"]),
    }
    fields = [f for f in request.GET.get("fields", "").split(",") if f]
    if fields:
        body = {k: v for k, v in body.items() if k in fields or k == "id"}
    return json_response(body)
