"""Instagram API with Instagram Login: code -> short-lived token (1 h, client secret in the
body, no PKCE) -> long-lived token (60 days) that refreshes itself with ig_refresh_token once
it is at least 24 h old. There is no separate refresh token.
https://developers.facebook.com/documentation/instagram-platform/reference/access_token
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from connections.providers.base import AccountInfo, TokenSet
from connections.providers.common import expires_at
from connections.providers.http import json_body

if TYPE_CHECKING:
    from connections.providers.instagram import InstagramProvider

# The instagram_business_* scopes; the old business_* names died 2025-01-27 and the Basic
# Display user_profile/user_media scopes with the Basic Display API.
SCOPES = (
    "instagram_business_basic",
    "instagram_business_content_publish",
    "instagram_business_manage_insights",
)
SCOPE_REASONS = {
    "instagram_business_basic": "show which professional account is connected",
    "instagram_business_content_publish": "publish photos, carousels and reels",
    "instagram_business_manage_insights": "show how your posts did (views, reach, saves)",
}


def authorization_url(
    provider: InstagramProvider, *, state: str, redirect_uri: str, code_challenge: str | None
) -> str:
    query = {
        "enable_fb_login": "0",
        "client_id": provider.client_id,
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "scope": ",".join(provider.scopes),
        "state": state,
    }
    return f"{provider.setting('AUTHORIZE_URL')}?{urlencode(query)}"


def exchange_code(
    provider: InstagramProvider, *, code: str, redirect_uri: str, code_verifier: str | None
) -> TokenSet:
    # Meta appends "#_" to the redirect; it is not part of the code.
    code = code.removesuffix("#_")
    body = json_body(
        provider.http.request(
            "POST",
            provider.setting("TOKEN_URL"),
            data={
                "client_id": provider.client_id,
                "client_secret": provider.client_secret,
                "grant_type": "authorization_code",
                "redirect_uri": redirect_uri,
                "code": code,
            },
        )
    )
    # Documented both flat and wrapped in {"data": [...]}: accept either.
    if isinstance(body.get("data"), list) and body["data"]:
        body = body["data"][0]
    permissions = body.get("permissions") or ""
    scopes = tuple(permissions.split(",") if isinstance(permissions, str) else permissions)
    long = json_body(
        provider.http.request(
            "GET",
            f"{provider.setting('GRAPH_URL')}/access_token",
            params={
                "grant_type": "ig_exchange_token",
                "client_secret": provider.client_secret,
                "access_token": body.get("access_token", ""),
            },
        )
    )
    return TokenSet(
        access_token=str(long.get("access_token", "")),
        expires_at=expires_at(long.get("expires_in")),
        scopes=tuple(s for s in scopes if s),
    )


def refresh(provider: InstagramProvider, token: TokenSet) -> TokenSet:
    # The platform refuses tokens younger than 24 h; the caller only asks near expiry.
    body = json_body(
        provider.http.request(
            "GET",
            f"{provider.setting('GRAPH_URL')}/refresh_access_token",
            params={"grant_type": "ig_refresh_token", "access_token": token.access_token},
        )
    )
    return TokenSet(
        access_token=str(body.get("access_token", "")),
        expires_at=expires_at(body.get("expires_in")),
        scopes=token.scopes,
    )


def fetch_accounts(provider: InstagramProvider, token: TokenSet) -> list[AccountInfo]:
    me = json_body(
        provider.http.request(
            "GET",
            f"{provider.setting('API_BASE')}/me",
            bearer=token.access_token,
            params={"fields": "user_id,username,name,profile_picture_url,account_type"},
        )
    )
    if str(me.get("account_type", "")).upper() == "PERSONAL":
        return []  # only professional accounts can publish through the API
    # `user_id` is the professional account id the publishing endpoints take.
    account_id = str(me.get("user_id") or me.get("id") or "")
    return [
        AccountInfo(
            account_id=account_id,
            display_name=str(me.get("name") or me.get("username") or ""),
            username=str(me.get("username", "")),
            avatar_url=str(me.get("profile_picture_url", "")),
            kind="professional",
            extra={"app_scoped_id": str(me.get("id", ""))},
        )
    ]


def revoke(provider: InstagramProvider, token: TokenSet) -> None:
    # Instagram Login offers no token revocation endpoint; the user removes the app in
    # Instagram's settings. Disconnecting deletes our copy of the token.
    return None


def granted_scopes(provider: InstagramProvider, token: TokenSet) -> tuple[str, ...]:
    return token.scopes
