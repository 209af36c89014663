"""Google Business Profile: one Google login, a location per connection."""

from __future__ import annotations

from datetime import timedelta

from connections.providers.common import BaseProvider
from connections.providers.google_business import errors, oauth, reviews
from connections.providers.google_business import publish as publishing


class GoogleBusinessProvider(BaseProvider):
    slug = "google_business"
    name = "Google Business Profile"
    pkce = True
    scopes = oauth.SCOPES
    required_scopes = ("https://www.googleapis.com/auth/business.manage",)
    scope_reasons = oauth.SCOPE_REASONS
    multi_account = True
    # ~1 h access tokens.
    refresh_window = timedelta(minutes=10)

    raise_for_response = staticmethod(errors.raise_for_response)

    authorization_url = oauth.authorization_url
    exchange_code = oauth.exchange_code
    fetch_accounts = oauth.fetch_accounts
    refresh = oauth.refresh
    revoke = oauth.revoke
    granted_scopes = oauth.granted_scopes

    # Publishing (connections/providers/google_business/publish.py).
    publish = publishing.publish
    find_post = publishing.find_post
    describe_post = publishing.describe_post

    # Reviews of the location (connections/providers/google_business/reviews.py).
    list_reviews = reviews.list_reviews
    reply_to_review = reviews.reply_to_review
    delete_reply = reviews.delete_reply
