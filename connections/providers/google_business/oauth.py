"""Google Business Profile: Google OAuth 2.0 (offline access, consent prompt so a refresh
token comes every time, PKCE S256 supported), then accounts and their locations.
https://developers.google.com/identity/protocols/oauth2/web-server
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from connections.providers.base import AccountInfo, TokenSet
from connections.providers.common import expires_at
from connections.providers.http import json_body

if TYPE_CHECKING:
    from connections.providers.google_business import GoogleBusinessProvider

SCOPES = ("openid", "profile", "https://www.googleapis.com/auth/business.manage")
SCOPE_REASONS = {
    "openid": "sign you in with Google",
    "profile": "show your name and photo on the connection",
    "https://www.googleapis.com/auth/business.manage": "list your locations and publish posts",
}


def authorization_url(
    provider: GoogleBusinessProvider, *, state: str, redirect_uri: str, code_challenge: str | None
) -> str:
    query = {
        "client_id": provider.client_id,
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "scope": " ".join(provider.scopes),
        "access_type": "offline",
        "prompt": "consent",
        "include_granted_scopes": "true",
        "state": state,
    }
    if code_challenge:
        query |= {"code_challenge": code_challenge, "code_challenge_method": "S256"}
    return f"{provider.setting('AUTHORIZE_URL')}?{urlencode(query)}"


def _token_set(body: dict, previous: TokenSet | None = None) -> TokenSet:
    return TokenSet(
        access_token=str(body.get("access_token", "")),
        # Refresh responses usually omit refresh_token: keep the one we have.
        refresh_token=str(
            body.get("refresh_token") or (previous.refresh_token if previous else "")
        ),
        expires_at=expires_at(body.get("expires_in")),
        scopes=tuple(str(body.get("scope", "")).split()) or (previous.scopes if previous else ()),
    )


def exchange_code(
    provider: GoogleBusinessProvider, *, code: str, redirect_uri: str, code_verifier: str | None
) -> TokenSet:
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "client_id": provider.client_id,
        "client_secret": provider.client_secret,
    }
    if code_verifier:
        data["code_verifier"] = code_verifier
    response = provider.http.request("POST", provider.setting("TOKEN_URL"), data=data)
    return _token_set(json_body(response))


def refresh(provider: GoogleBusinessProvider, token: TokenSet) -> TokenSet:
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


def revoke(provider: GoogleBusinessProvider, token: TokenSet) -> None:
    # Revoking the refresh token revokes the whole grant.
    provider.http.request(
        "POST",
        provider.setting("REVOKE_URL"),
        data={"token": token.refresh_token or token.access_token},
    )


def fetch_accounts(provider: GoogleBusinessProvider, token: TokenSet) -> list[AccountInfo]:
    userinfo = json_body(
        provider.http.request("GET", provider.setting("USERINFO_URL"), bearer=token.access_token)
    )
    accounts_body = json_body(
        provider.http.request(
            "GET", f"{provider.setting('ACCOUNTS_API_BASE')}/accounts", bearer=token.access_token
        )
    )
    found = []
    for account in accounts_body.get("accounts") or []:
        account_name = str(account.get("name", ""))  # "accounts/{a}"
        locations = json_body(
            provider.http.request(
                "GET",
                f"{provider.setting('LOCATIONS_API_BASE')}/{account_name}/locations",
                bearer=token.access_token,
                params={"readMask": "name,title,storefrontAddress,metadata"},
            )
        )
        for location in locations.get("locations") or []:
            location_id = str(location.get("name", "")).rsplit("/", 1)[-1]
            path = f"{account_name}/locations/{location_id}"  # what v4 localPosts wants
            found.append(
                AccountInfo(
                    account_id=path,
                    display_name=str(location.get("title", "")),
                    username=str(account.get("accountName", "")),
                    avatar_url=str(userinfo.get("picture", "")),
                    kind="location",
                    extra={"account": account_name, "location": f"locations/{location_id}"},
                )
            )
    return found


def granted_scopes(provider: GoogleBusinessProvider, token: TokenSet) -> tuple[str, ...]:
    return token.scopes
