"""LinkedIn: the member and the organizations they administer, one login."""

from __future__ import annotations

from datetime import timedelta

from connections.providers.common import BaseProvider
from connections.providers.linkedin import errors, oauth
from connections.providers.linkedin import publish as publishing


class LinkedInProvider(BaseProvider):
    slug = "linkedin"
    name = "LinkedIn"
    pkce = False  # PKCE is for LinkedIn-approved native apps only
    scopes = oauth.SCOPES
    required_scopes = ("openid", "profile", "w_member_social")
    scope_reasons = oauth.SCOPE_REASONS
    multi_account = True
    # 60-day tokens: refresh (partners) or warn a week ahead.
    refresh_window = timedelta(days=7)

    raise_for_response = staticmethod(errors.raise_for_response)

    authorization_url = oauth.authorization_url
    exchange_code = oauth.exchange_code
    fetch_accounts = oauth.fetch_accounts
    refresh = oauth.refresh
    revoke = oauth.revoke
    granted_scopes = oauth.granted_scopes

    # Publishing (connections/providers/linkedin/publish.py).
    publish = publishing.publish
    find_post = publishing.find_post
    describe_post = publishing.describe_post
