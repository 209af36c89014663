"""Sandbox Facebook Login for Pages: the dialog, code and fb_exchange_token exchanges at the
token endpoint (client secret in the query), /me/permissions, /me/accounts with Page tokens,
/me for a Page token, and DELETE /me/permissions (revoke)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from sandbox import tokens
from sandbox.common import body_client, client_ok, consent, endpoint, json_response, take_grant
from sandbox.identities import FACEBOOK_PAGES, FACEBOOK_USER, avatar_url
from sandbox.meta import graph_error
from sandbox.models import SandboxToken

P = "facebook"


@endpoint(P, "dialog", scope="oauth")
def dialog(request: HttpRequest) -> HttpResponse:
    return consent(
        request,
        platform=P,
        title="Facebook",
        subject=FACEBOOK_USER["id"],
        scope_separator=",",
        deny_params={
            "error": "access_denied",
            "error_code": "200",
            "error_description": "Permissions error",
            "error_reason": "user_denied",
        },
    )


@endpoint(P, "access_token", scope="oauth")
def access_token(request: HttpRequest) -> HttpResponse:
    credentials = body_client(request)
    if not client_ok(P, credentials):
        return graph_error("Error validating client secret.", code=1)
    if request.GET.get("grant_type") == "fb_exchange_token":
        try:
            short = tokens.check(
                request.GET.get("fb_exchange_token", ""), P, kinds=(SandboxToken.ACCESS,)
            )
        except tokens.TokenError as exc:
            from sandbox.meta import token_error

            return token_error(exc)
        long = tokens.issue(
            P,
            kind=SandboxToken.ACCESS,
            subject=short.subject,
            client_id=short.client_id,
            scopes=short.scopes,
            ttl=tokens.lifetime(P, "LONG_LIVED_TTL"),
            family=short.family,
        )
        return json_response(
            {
                "access_token": long.token,
                "token_type": "bearer",
                "expires_in": tokens.lifetime(P, "LONG_LIVED_TTL"),
            }
        )
    grant = take_grant(P, request.GET.get("code", ""), request.GET.get("redirect_uri", ""))
    if grant is None:
        return graph_error("This authorization code has been used.", code=100, subcode=36009)
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
            "token_type": "bearer",
            "expires_in": tokens.lifetime(P, "ACCESS_TTL"),
        }
    )


@endpoint(P, "me_permissions")
def me_permissions(request: HttpRequest) -> HttpResponse:
    token = tokens.authenticate(request, P)
    if request.method == "DELETE":
        tokens.revoke_family(token)
        return json_response({"success": True})
    data = [{"permission": s, "status": "granted"} for s in token.scopes]
    return json_response({"data": data})


@endpoint(P, "me_accounts")
def me_accounts(request: HttpRequest) -> HttpResponse:
    user_token = tokens.authenticate(request, P, kinds=(SandboxToken.ACCESS,))
    data = []
    for page in FACEBOOK_PAGES:
        # Page tokens live as long as the user's grant (their family).
        page_token = SandboxToken.objects.filter(
            platform=P,
            kind=SandboxToken.PAGE,
            family=user_token.family,
            account_id=page["id"],
            revoked_at__isnull=True,
        ).first() or tokens.issue(
            P,
            kind=SandboxToken.PAGE,
            subject=user_token.subject,
            client_id=user_token.client_id,
            scopes=user_token.scopes,
            ttl=None,
            family=user_token.family,
            account_id=page["id"],
        )
        data.append(
            {
                **page,
                "access_token": page_token.token,
                "picture": {"data": {"url": avatar_url(request, P, page["id"])}},
            }
        )
    return json_response({"data": data, "paging": {"cursors": {"before": "MA", "after": "MQ"}}})


@endpoint(P, "me")
def me(request: HttpRequest) -> HttpResponse:
    token = tokens.authenticate(request, P)
    if token.kind == SandboxToken.PAGE:
        page = next(p for p in FACEBOOK_PAGES if p["id"] == token.account_id)
        return json_response(
            {
                "id": page["id"],
                "name": page["name"],
                "picture": {"data": {"url": avatar_url(request, P, page["id"])}},
            }
        )
    return json_response({"id": FACEBOOK_USER["id"], "name": FACEBOOK_USER["name"]})
