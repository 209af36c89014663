"""LinkedIn: OpenID Connect sign-in plus posting scopes; client secret in the body; 60-day
access tokens; refresh tokens (365 days, fixed) only for approved partners.
https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from connections.providers.base import AccountInfo, TokenSet
from connections.providers.common import expires_at
from connections.providers.http import json_body

if TYPE_CHECKING:
    from connections.providers.linkedin import LinkedInProvider

# OIDC openid/profile replace r_liteprofile. The organization scopes need Community
# Management API approval.
SCOPES = (
    "openid",
    "profile",
    "w_member_social",
    "w_organization_social",
    "r_organization_social",
    "rw_organization_admin",
)
SCOPE_REASONS = {
    "openid": "sign you in with LinkedIn",
    "profile": "show your name and photo on the connection",
    "w_member_social": "publish posts as you",
    "w_organization_social": "publish posts as the company pages you administer",
    "r_organization_social": "read the company pages' posts back",
    "rw_organization_admin": "list the company pages you administer",
}
VERSION_HEADERS = {"LinkedIn-Version": "202601", "X-Restli-Protocol-Version": "2.0.0"}


def authorization_url(
    provider: LinkedInProvider, *, state: str, redirect_uri: str, code_challenge: str | None
) -> str:
    query = {
        "response_type": "code",
        "client_id": provider.client_id,
        "redirect_uri": redirect_uri,
        "state": state,
        "scope": " ".join(provider.scopes),
    }
    return f"{provider.setting('AUTHORIZE_URL')}?{urlencode(query)}"


def _token_set(body: dict, previous: TokenSet | None = None) -> TokenSet:
    refresh_token = str(body.get("refresh_token") or "")
    return TokenSet(
        access_token=str(body.get("access_token", "")),
        refresh_token=refresh_token,
        expires_at=expires_at(body.get("expires_in")),
        refresh_expires_at=expires_at(body.get("refresh_token_expires_in"))
        or (previous.refresh_expires_at if previous else None),
        scopes=tuple(str(body.get("scope", "")).replace(",", " ").split())
        or (previous.scopes if previous else ()),
    )


def exchange_code(
    provider: LinkedInProvider, *, code: str, redirect_uri: str, code_verifier: str | None
) -> TokenSet:
    response = provider.http.request(
        "POST",
        provider.setting("TOKEN_URL"),
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": provider.client_id,
            "client_secret": provider.client_secret,
        },
    )
    return _token_set(json_body(response))


def refresh(provider: LinkedInProvider, token: TokenSet) -> TokenSet:
    response = provider.http.request(
        "POST",
        provider.setting("TOKEN_URL"),
        data={
            "grant_type": "refresh_token",
            "refresh_token": token.refresh_token,
            "client_id": provider.client_id,
            "client_secret": provider.client_secret,
        },
    )
    return _token_set(json_body(response), previous=token)


def revoke(provider: LinkedInProvider, token: TokenSet) -> None:
    provider.http.request(
        "POST",
        provider.setting("REVOKE_URL"),
        data={
            "client_id": provider.client_id,
            "client_secret": provider.client_secret,
            "token": token.access_token,
        },
    )


def fetch_accounts(provider: LinkedInProvider, token: TokenSet) -> list[AccountInfo]:
    api = provider.setting("API_BASE")
    me = json_body(provider.http.request("GET", f"{api}/v2/userinfo", bearer=token.access_token))
    person_urn = f"urn:li:person:{me.get('sub', '')}"
    accounts = [
        AccountInfo(
            account_id=person_urn,
            display_name=str(me.get("name", "")),
            avatar_url=str(me.get("picture", "")),
            kind="member",
            extra={"author_urn": person_urn},
        )
    ]
    if "rw_organization_admin" not in token.scopes:
        return accounts
    acls = json_body(
        provider.http.request(
            "GET",
            f"{api}/rest/organizationAcls",
            bearer=token.access_token,
            headers=VERSION_HEADERS,
            params={"q": "roleAssignee", "role": "ADMINISTRATOR", "state": "APPROVED"},
        )
    )
    for element in acls.get("elements") or []:
        org_urn = str(element.get("organization", ""))
        org_id = org_urn.rsplit(":", 1)[-1]
        org = json_body(
            provider.http.request(
                "GET",
                f"{api}/rest/organizations/{org_id}",
                bearer=token.access_token,
                headers=VERSION_HEADERS,
            )
        )
        accounts.append(
            AccountInfo(
                account_id=org_urn,
                display_name=str(org.get("localizedName", "")),
                username=str(org.get("vanityName", "")),
                avatar_url=str(org.get("logoUrl", "")),
                kind="organization",
                extra={"author_urn": org_urn},
            )
        )
    return accounts


def granted_scopes(provider: LinkedInProvider, token: TokenSet) -> tuple[str, ...]:
    return token.scopes
