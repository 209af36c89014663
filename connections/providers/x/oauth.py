"""X OAuth 2.0 with PKCE (mandatory): confidential client, HTTP Basic at the token endpoints,
rotating single-use refresh tokens (offline.access).
https://docs.x.com/fundamentals/authentication/oauth-2-0/user-access-token
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from connections.providers.base import AccountInfo, TokenSet
from connections.providers.common import expires_at
from connections.providers.http import json_body

if TYPE_CHECKING:
    from connections.providers.x import XProvider

SCOPES = ("tweet.read", "tweet.write", "users.read", "offline.access", "media.write")
SCOPE_REASONS = {
    "tweet.read": "read back the posts we publish",
    "tweet.write": "publish posts and threads",
    "users.read": "show which account is connected",
    "offline.access": "stay connected without asking you again every two hours",
    "media.write": "upload images and videos",
}


def authorization_url(
    provider: XProvider, *, state: str, redirect_uri: str, code_challenge: str | None
) -> str:
    query = {
        "response_type": "code",
        "client_id": provider.client_id,
        "redirect_uri": redirect_uri,
        "scope": " ".join(provider.scopes),
        "state": state,
        "code_challenge": code_challenge,
        "code_challenge_method": "S256",
    }
    return f"{provider.setting('AUTHORIZE_URL')}?{urlencode(query)}"


def _token_set(body: dict) -> TokenSet:
    return TokenSet(
        access_token=str(body.get("access_token", "")),
        refresh_token=str(body.get("refresh_token") or ""),
        expires_at=expires_at(body.get("expires_in")),
        scopes=tuple(str(body.get("scope", "")).split()),
        token_type=str(body.get("token_type", "bearer")),
    )


def exchange_code(
    provider: XProvider, *, code: str, redirect_uri: str, code_verifier: str | None
) -> TokenSet:
    response = provider.http.request(
        "POST",
        provider.setting("TOKEN_URL"),
        auth=(provider.client_id, provider.client_secret),
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": code_verifier or "",
        },
    )
    return _token_set(json_body(response))


def refresh(provider: XProvider, token: TokenSet) -> TokenSet:
    # Single use: the answer carries a NEW refresh token, and the old one is dead from now on.
    # The caller must store the pair before anything else can fail.
    response = provider.http.request(
        "POST",
        provider.setting("TOKEN_URL"),
        auth=(provider.client_id, provider.client_secret),
        data={
            "grant_type": "refresh_token",
            "refresh_token": token.refresh_token,
            "client_id": provider.client_id,
        },
    )
    return _token_set(json_body(response))


def revoke(provider: XProvider, token: TokenSet) -> None:
    for value, hint in (
        (token.refresh_token, "refresh_token"),
        (token.access_token, "access_token"),
    ):
        if value:
            provider.http.request(
                "POST",
                provider.setting("REVOKE_URL"),
                auth=(provider.client_id, provider.client_secret),
                data={"token": value, "token_type_hint": hint},
            )


def fetch_accounts(provider: XProvider, token: TokenSet) -> list[AccountInfo]:
    response = provider.http.request(
        "GET",
        f"{provider.setting('API_BASE')}/users/me",
        bearer=token.access_token,
        params={"user.fields": "profile_image_url,username,name"},
    )
    user = json_body(response).get("data") or {}
    return [
        AccountInfo(
            account_id=str(user.get("id", "")),
            display_name=str(user.get("name", "")),
            username=str(user.get("username", "")),
            avatar_url=str(user.get("profile_image_url", "")),
            kind="user",
        )
    ]


def granted_scopes(provider: XProvider, token: TokenSet) -> tuple[str, ...]:
    # X reports the granted scopes only in the token response.
    return token.scopes
