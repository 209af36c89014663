"""Sandbox Google OAuth 2.0 and the Business Profile account/location listings: consent with
optional PKCE S256, client credentials in the body (or Basic), ~1 h access tokens, a refresh
token that does not rotate and is omitted from refresh responses, invalid_grant once revoked."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from sandbox import tokens
from sandbox.common import (
    basic_client,
    body_client,
    client_ok,
    consent,
    endpoint,
    json_response,
    pkce_ok,
    take_grant,
)
from sandbox.google_business.errors import oauth_error, rpc_error
from sandbox.identities import GOOGLE_ACCOUNT, GOOGLE_LOCATIONS, GOOGLE_USER, avatar_url
from sandbox.models import SandboxToken

P = "google_business"


@endpoint(P, "auth", scope="oauth")
def auth(request: HttpRequest) -> HttpResponse:
    return consent(
        request,
        platform=P,
        title="Google",
        subject=GOOGLE_USER["sub"],
        scope_separator=" ",
        deny_params={"error": "access_denied"},
    )


def _access(refresh: SandboxToken) -> dict:
    access = tokens.issue(
        P,
        kind=SandboxToken.ACCESS,
        subject=refresh.subject,
        client_id=refresh.client_id,
        scopes=refresh.scopes,
        ttl=tokens.lifetime(P, "ACCESS_TTL"),
        family=refresh.family,
    )
    return {
        "access_token": access.token,
        "expires_in": tokens.lifetime(P, "ACCESS_TTL"),
        "scope": " ".join(refresh.scopes),
        "token_type": "Bearer",
    }


@endpoint(P, "token", scope="oauth")
def token(request: HttpRequest) -> HttpResponse:
    credentials = basic_client(request) or body_client(request)
    if not client_ok(P, credentials):
        return oauth_error("invalid_client", "The OAuth client was not found.", 401)
    grant_type = request.POST.get("grant_type")
    if grant_type == "authorization_code":
        grant = take_grant(P, request.POST.get("code", ""), request.POST.get("redirect_uri", ""))
        if grant is None:
            return oauth_error("invalid_grant", "Malformed auth code.")
        if not pkce_ok(grant, request.POST.get("code_verifier", "")):
            return oauth_error("invalid_grant", "Invalid code verifier.")
        refresh = tokens.issue(
            P,
            kind=SandboxToken.REFRESH,
            subject=grant.subject,
            client_id=grant.client_id,
            scopes=grant.scopes,
            ttl=tokens.lifetime(P, "REFRESH_TTL"),
        )
        return json_response({**_access(refresh), "refresh_token": refresh.token})
    if grant_type == "refresh_token":
        try:
            refresh = tokens.check(
                request.POST.get("refresh_token", ""), P, kinds=(SandboxToken.REFRESH,)
            )
        except tokens.TokenError:
            return oauth_error("invalid_grant", "Token has been expired or revoked.")
        return json_response(_access(refresh))  # no refresh_token: it does not rotate
    return oauth_error("unsupported_grant_type", "Invalid grant_type")


@endpoint(P, "revoke", scope="oauth")
def revoke(request: HttpRequest) -> HttpResponse:
    found = SandboxToken.objects.filter(platform=P, token=request.POST.get("token", "")).first()
    if found is None:
        return oauth_error("invalid_token", "Token expired or revoked")
    tokens.revoke_family(found)
    return json_response({})


@endpoint(P, "userinfo")
def userinfo(request: HttpRequest) -> HttpResponse:
    tokens.authenticate(request, P)
    return json_response({**GOOGLE_USER, "picture": avatar_url(request, P, GOOGLE_USER["sub"])})


@endpoint(P, "accounts")
def accounts(request: HttpRequest) -> HttpResponse:
    token = tokens.authenticate(request, P)
    if "https://www.googleapis.com/auth/business.manage" not in token.scopes:
        return rpc_error(
            403, "Request had insufficient authentication scopes.", "PERMISSION_DENIED"
        )
    return json_response({"accounts": [{**GOOGLE_ACCOUNT, "type": "LOCATION_GROUP"}]})


@endpoint(P, "locations")
def locations(request: HttpRequest, account: str) -> HttpResponse:
    tokens.authenticate(request, P)
    if f"accounts/{account}" != GOOGLE_ACCOUNT["name"]:
        return rpc_error(404, "Requested entity was not found.", "NOT_FOUND")
    if not request.GET.get("readMask"):
        return rpc_error(
            400, "Request contains an invalid argument: read_mask is required.", "INVALID_ARGUMENT"
        )
    return json_response({"locations": GOOGLE_LOCATIONS})
