"""Sandbox LinkedIn: authorization (denial as user_cancelled_authorize), accessToken with the
client secret in the body, 60-day access tokens and non-rotating refresh tokens whose 365-day
life is fixed at the first grant, revoke, OIDC userinfo and organization ACLs."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from sandbox import tokens
from sandbox.common import body_client, client_ok, consent, endpoint, json_response, take_grant
from sandbox.identities import LINKEDIN_MEMBER, LINKEDIN_ORGS, avatar_url
from sandbox.linkedin.errors import oauth_error, rest_error
from sandbox.models import SandboxToken

P = "linkedin"


@endpoint(P, "authorization", scope="oauth")
def authorization(request: HttpRequest) -> HttpResponse:
    return consent(
        request,
        platform=P,
        title="LinkedIn",
        subject=LINKEDIN_MEMBER["sub"],
        scope_separator=" ",
        deny_params={
            "error": "user_cancelled_authorize",
            "error_description": "The user cancelled the authorization",
        },
    )


def _issue(subject: str, client_id: str, scopes: list[str], refresh: SandboxToken | None) -> dict:
    access = tokens.issue(
        P,
        kind=SandboxToken.ACCESS,
        subject=subject,
        client_id=client_id,
        scopes=scopes,
        ttl=tokens.lifetime(P, "ACCESS_TTL"),
        family=refresh.family if refresh else None,
    )
    if refresh is None:
        refresh = tokens.issue(
            P,
            kind=SandboxToken.REFRESH,
            subject=subject,
            client_id=client_id,
            scopes=scopes,
            ttl=tokens.lifetime(P, "REFRESH_TTL"),
            family=access.family,
        )
    remaining = (
        int((refresh.expires_at - timezone.now()).total_seconds()) if refresh.expires_at else None
    )
    return {
        "access_token": access.token,
        "expires_in": tokens.lifetime(P, "ACCESS_TTL"),
        "refresh_token": refresh.token,
        "refresh_token_expires_in": remaining,
        "scope": ",".join(scopes),
        "token_type": "Bearer",
    }


@endpoint(P, "access_token", scope="oauth")
def access_token(request: HttpRequest) -> HttpResponse:
    credentials = body_client(request)
    if not client_ok(P, credentials):
        return oauth_error("invalid_client", "Client authentication failed", 401)
    grant_type = request.POST.get("grant_type")
    if grant_type == "authorization_code":
        grant = take_grant(P, request.POST.get("code", ""), request.POST.get("redirect_uri", ""))
        if grant is None:
            return oauth_error(
                "invalid_request", "Unable to retrieve access token: authorization code not found"
            )
        return json_response(_issue(grant.subject, grant.client_id, grant.scopes, None))
    if grant_type == "refresh_token":
        try:
            refresh = tokens.check(
                request.POST.get("refresh_token", ""), P, kinds=(SandboxToken.REFRESH,)
            )
        except tokens.TokenError:
            return oauth_error(
                "invalid_grant", "The provided authorization grant is invalid, expired or revoked"
            )
        # Same refresh token back, with its remaining (not renewed) lifetime.
        return json_response(_issue(refresh.subject, refresh.client_id, refresh.scopes, refresh))
    return oauth_error("unsupported_grant_type", "grant_type not supported")


@endpoint(P, "revoke", scope="oauth")
def revoke(request: HttpRequest) -> HttpResponse:
    if not client_ok(P, body_client(request)):
        return oauth_error("invalid_client", "Client authentication failed", 401)
    found = SandboxToken.objects.filter(platform=P, token=request.POST.get("token", "")).first()
    if found is not None:
        tokens.revoke_family(found)
    return HttpResponse(status=200)


@endpoint(P, "userinfo")
def userinfo(request: HttpRequest) -> HttpResponse:
    tokens.authenticate(request, P)
    return json_response(
        {**LINKEDIN_MEMBER, "picture": avatar_url(request, P, LINKEDIN_MEMBER["sub"])}
    )


def _versioned(request: HttpRequest) -> HttpResponse | None:
    if not request.headers.get("LinkedIn-Version"):
        return rest_error(
            400,
            "A version must be present. Please specify a version by adding the "
            "LinkedIn-Version header.",
        )
    return None


@endpoint(P, "organization_acls")
def organization_acls(request: HttpRequest) -> HttpResponse:
    token = tokens.authenticate(request, P)
    if (problem := _versioned(request)) is not None:
        return problem
    if "rw_organization_admin" not in token.scopes:
        return rest_error(
            403, "Not enough permissions to access: organizationAcls.FINDER-roleAssignee"
        )
    elements = [
        {
            "organization": f"urn:li:organization:{org['id']}",
            "role": "ADMINISTRATOR",
            "state": "APPROVED",
            "roleAssignee": f"urn:li:person:{token.subject}",
        }
        for org in LINKEDIN_ORGS
    ]
    return json_response({"elements": elements, "paging": {"count": 10, "start": 0}})


@endpoint(P, "organization")
def organization(request: HttpRequest, org_id: str) -> HttpResponse:
    tokens.authenticate(request, P)
    if (problem := _versioned(request)) is not None:
        return problem
    org = next((o for o in LINKEDIN_ORGS if o["id"] == org_id), None)
    if org is None:
        return rest_error(404, "Not Found")
    return json_response({**org, "logoUrl": avatar_url(request, P, org_id)})
