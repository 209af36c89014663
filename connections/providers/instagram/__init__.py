"""Instagram professional accounts via Instagram Login: one account, self-refreshing token."""

from __future__ import annotations

from datetime import timedelta

from connections.providers.base import TokenSet
from connections.providers.common import BaseProvider
from connections.providers.instagram import errors, oauth
from connections.providers.instagram import publish as publishing


class InstagramProvider(BaseProvider):
    slug = "instagram"
    name = "Instagram"
    pkce = False
    scopes = oauth.SCOPES
    # Insights are optional: without them analytics records those metrics as unavailable.
    required_scopes = ("instagram_business_basic", "instagram_business_content_publish")
    scope_reasons = oauth.SCOPE_REASONS
    # 60-day tokens: refresh a week ahead (they must be 24 h old, which they are by then).
    refresh_window = timedelta(days=7)

    raise_for_response = staticmethod(errors.raise_for_response)

    authorization_url = oauth.authorization_url
    exchange_code = oauth.exchange_code
    fetch_accounts = oauth.fetch_accounts
    refresh = oauth.refresh
    revoke = oauth.revoke
    granted_scopes = oauth.granted_scopes

    # Publishing (connections/providers/instagram/publish.py).
    publish = publishing.publish
    find_post = publishing.find_post
    describe_post = publishing.describe_post

    def can_refresh(self, token: TokenSet) -> bool:
        return bool(token.access_token)  # the long-lived token refreshes itself
