"""Facebook Pages: one login, several Pages to choose from, no refresh."""

from __future__ import annotations

from datetime import timedelta

from connections.providers.base import TokenSet
from connections.providers.common import BaseProvider
from connections.providers.facebook import errors, oauth
from connections.providers.facebook import publish as publishing


class FacebookProvider(BaseProvider):
    slug = "facebook"
    name = "Facebook Pages"
    pkce = False
    scopes = oauth.SCOPES
    required_scopes = ("pages_show_list", "pages_manage_posts", "pages_read_engagement")
    scope_reasons = oauth.SCOPE_REASONS
    multi_account = True
    # Not a refresh: how early we warn that a token with an expiry runs out.
    refresh_window = timedelta(days=7)
    # Page tokens never expire, but die with a password change, a lost Page role or a
    # deauthorization (docs/PLATFORMS.md, "Facebook Page tokens"): ask daily.
    verify_every = timedelta(days=1)

    raise_for_response = staticmethod(errors.raise_for_response)

    authorization_url = oauth.authorization_url
    exchange_code = oauth.exchange_code
    fetch_accounts = oauth.fetch_accounts
    refresh = oauth.refresh
    revoke = oauth.revoke
    granted_scopes = oauth.granted_scopes
    verify = oauth.verify

    # Publishing (connections/providers/facebook/publish.py).
    publish = publishing.publish
    find_post = publishing.find_post
    describe_post = publishing.describe_post

    def can_refresh(self, token: TokenSet) -> bool:
        return False
