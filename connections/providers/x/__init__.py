"""X (Twitter): OAuth 2.0 + PKCE, one user account per login."""

from __future__ import annotations

from datetime import timedelta

from connections.providers.common import BaseProvider
from connections.providers.x import errors, oauth
from connections.providers.x import publish as publishing


class XProvider(BaseProvider):
    slug = "x"
    name = "X"
    pkce = True
    scopes = oauth.SCOPES
    required_scopes = ("tweet.write", "users.read", "offline.access")
    scope_reasons = oauth.SCOPE_REASONS
    # Access tokens live 2 h; refresh well ahead so a publish never meets an expired one.
    refresh_window = timedelta(minutes=30)

    raise_for_response = staticmethod(errors.raise_for_response)

    authorization_url = oauth.authorization_url
    exchange_code = oauth.exchange_code
    fetch_accounts = oauth.fetch_accounts
    refresh = oauth.refresh
    revoke = oauth.revoke
    granted_scopes = oauth.granted_scopes

    # Publishing (connections/providers/x/publish.py).
    publish = publishing.publish
    find_post = publishing.find_post
    describe_post = publishing.describe_post
