"""Accounts connected with tokens the sandbox itself issued, for any of the five platforms, so a
test can publish / sync / receive webhooks over real HTTP without walking the OAuth wizard
(tests/connections covers the wizard). Use with the `sandbox` fixture (tests/conftest.py),
which points every provider URL at the live server."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from connections.models import PlatformConnection
from connections.providers import get_provider
from sandbox import identities, tokens
from sandbox.models import SandboxToken
from sandbox.platforms import CLIENTS

# What each platform's connection is for a test: (sandbox token subject, our account_id,
# display name, token kind, the platform's access-token lifetime in seconds or None).
_ACCOUNTS = {
    "x": (
        identities.X_USER["id"], identities.X_USER["id"], identities.X_USER["name"],
        SandboxToken.ACCESS, 7200,
    ),
    "facebook": (
        identities.FACEBOOK_USER["id"], identities.FACEBOOK_PAGES[0]["id"],
        identities.FACEBOOK_PAGES[0]["name"], SandboxToken.PAGE, None,
    ),
    "instagram": (
        identities.INSTAGRAM_ACCOUNT["user_id"], identities.INSTAGRAM_ACCOUNT["user_id"],
        identities.INSTAGRAM_ACCOUNT["name"], SandboxToken.LONG, 5184000,
    ),
    "linkedin": (
        identities.LINKEDIN_MEMBER["sub"], f"urn:li:person:{identities.LINKEDIN_MEMBER['sub']}",
        identities.LINKEDIN_MEMBER["name"], SandboxToken.ACCESS, 5183999,
    ),
    "google_business": (
        identities.GOOGLE_USER["sub"],
        f"{identities.GOOGLE_ACCOUNT['name']}/{identities.GOOGLE_LOCATIONS[0]['name']}",
        identities.GOOGLE_LOCATIONS[0]["title"], SandboxToken.ACCESS, 3599,
    ),
}  # fmt: skip
_REFRESHES = {"x", "linkedin", "google_business"}  # platforms that issue refresh tokens


def sandbox_connection(
    brand,
    platform: str,
    *,
    account_id: str | None = None,
    subject: str | None = None,
    scopes: list[str] | None = None,
    access_ttl: int | None = -1,
    refresh: bool = True,
    **fields,
) -> PlatformConnection:
    """A connected account of `brand` on `platform` with live sandbox tokens. `access_ttl=-1`
    means the platform's real lifetime; None means a token that does not expire."""
    default_subject, default_account, name, kind, default_ttl = _ACCOUNTS[platform]
    subject = subject or default_subject
    account_id = account_id or default_account
    scopes = list(get_provider(platform).scopes if scopes is None else scopes)
    ttl = default_ttl if access_ttl == -1 else access_ttl
    client_id = CLIENTS[platform][0]
    access = tokens.issue(
        platform, kind=kind, subject=subject, client_id=client_id, scopes=scopes, ttl=ttl,
        account_id=account_id if kind == SandboxToken.PAGE else "",
    )  # fmt: skip
    refresh_token = ""
    if refresh and platform in _REFRESHES:
        refresh_token = tokens.issue(
            platform, kind=SandboxToken.REFRESH, subject=subject, client_id=client_id,
            scopes=scopes, ttl=None, family=access.family,
        ).token  # fmt: skip
    defaults = {
        "username": name.lower().replace(" ", "_"),
        "display_name": name,
        "granted_scopes": scopes,
        "token_expires_at": timezone.now() + timedelta(seconds=ttl) if ttl else None,
    }
    return PlatformConnection.objects.create(
        brand=brand,
        platform=platform,
        account_id=account_id,
        access_token=access.token,
        refresh_token=refresh_token,
        **{**defaults, **fields},
    )
