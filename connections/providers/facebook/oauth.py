"""Facebook Login for Pages: code -> short-lived user token -> long-lived (60 days, no refresh
token) -> one Page token per Page (does not expire while the user's grant stands).
https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from connections.providers.base import AccountInfo, TokenSet
from connections.providers.common import expires_at
from connections.providers.http import json_body

if TYPE_CHECKING:
    from connections.providers.facebook import FacebookProvider

SCOPES = ("pages_show_list", "pages_manage_posts", "pages_read_engagement", "read_insights")
SCOPE_REASONS = {
    "pages_show_list": "list the Pages you manage so you can pick one",
    "pages_manage_posts": "publish posts to the Page",
    "pages_read_engagement": "read the Page's name, picture and post links",
    "read_insights": "show how posts perform",
}


def authorization_url(
    provider: FacebookProvider, *, state: str, redirect_uri: str, code_challenge: str | None
) -> str:
    query = {
        "client_id": provider.client_id,
        "redirect_uri": redirect_uri,
        "state": state,
        "response_type": "code",
        "scope": ",".join(provider.scopes),
    }
    return f"{provider.setting('AUTHORIZE_URL')}?{urlencode(query)}"


def exchange_code(
    provider: FacebookProvider, *, code: str, redirect_uri: str, code_verifier: str | None
) -> TokenSet:
    token_url = provider.setting("TOKEN_URL")
    short = json_body(
        provider.http.request(
            "GET",
            token_url,
            params={
                "client_id": provider.client_id,
                "client_secret": provider.client_secret,
                "redirect_uri": redirect_uri,
                "code": code,
            },
        )
    )
    # Trade the 1-2 h token for the 60-day one right away: it is what Page tokens inherit.
    long = json_body(
        provider.http.request(
            "GET",
            token_url,
            params={
                "grant_type": "fb_exchange_token",
                "client_id": provider.client_id,
                "client_secret": provider.client_secret,
                "fb_exchange_token": short.get("access_token", ""),
            },
        )
    )
    token = TokenSet(
        access_token=str(long.get("access_token", "")),
        expires_at=expires_at(long.get("expires_in")),
    )
    return TokenSet(
        access_token=token.access_token,
        expires_at=token.expires_at,
        scopes=granted_scopes(provider, token),
    )


def granted_scopes(provider: FacebookProvider, token: TokenSet) -> tuple[str, ...]:
    body = json_body(
        provider.http.request(
            "GET", f"{provider.setting('API_BASE')}/me/permissions", bearer=token.access_token
        )
    )
    return tuple(
        str(p.get("permission"))
        for p in body.get("data") or []
        if isinstance(p, dict) and p.get("status") == "granted"
    )


def fetch_accounts(provider: FacebookProvider, token: TokenSet) -> list[AccountInfo]:
    # The person's app-scoped id: deauthorize and data-deletion callbacks name them by it.
    user_id = str(
        json_body(
            provider.http.request(
                "GET",
                f"{provider.setting('API_BASE')}/me",
                bearer=token.access_token,
                params={"fields": "id"},
            )
        ).get("id", "")
    )
    body = json_body(
        provider.http.request(
            "GET",
            f"{provider.setting('API_BASE')}/me/accounts",
            bearer=token.access_token,
            params={"fields": "id,name,access_token,picture.type(large),tasks", "limit": 100},
        )
    )
    accounts = []
    for page in body.get("data") or []:
        picture = ((page.get("picture") or {}).get("data") or {}).get("url", "")
        accounts.append(
            AccountInfo(
                account_id=str(page.get("id", "")),
                display_name=str(page.get("name", "")),
                avatar_url=str(picture),
                kind="page",
                # The Page token is what publishes. Obtained with a long-lived user token it has
                # no expiry (docs/PLATFORMS.md, "Facebook Page tokens"): storing the user
                # token's 60 days would pause the Page for nothing. The sweep verifies it.
                token=TokenSet(
                    access_token=str(page.get("access_token", "")),
                    expires_at=None,
                    scopes=token.scopes,
                ),
                extra={"tasks": list(page.get("tasks") or []), "user_id": user_id},
            )
        )
    return accounts


def refresh(provider: FacebookProvider, token: TokenSet) -> TokenSet:
    # There is no refresh token; an expired long-lived token cannot be exchanged. The Beat task
    # marks such connections `expiring` ahead of time instead.
    raise NotImplementedError("Facebook tokens cannot be refreshed; reconnect instead.")


def revoke(provider: FacebookProvider, token: TokenSet) -> None:
    # DELETE /me/permissions removes the app's whole grant for this user.
    provider.http.request(
        "DELETE", f"{provider.setting('API_BASE')}/me/permissions", bearer=token.access_token
    )


def verify(provider: FacebookProvider, token: TokenSet, *, account_id: str) -> AccountInfo | None:
    """With a Page token, /me is the Page itself."""
    body = json_body(
        provider.http.request(
            "GET",
            f"{provider.setting('API_BASE')}/me",
            bearer=token.access_token,
            params={"fields": "id,name,picture"},
        )
    )
    if str(body.get("id", "")) != account_id:
        return None
    picture = ((body.get("picture") or {}).get("data") or {}).get("url", "")
    return AccountInfo(
        account_id=account_id,
        display_name=str(body.get("name", "")),
        avatar_url=picture,
        kind="page",
    )
