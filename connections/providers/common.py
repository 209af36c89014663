"""What the five provider classes share: settings lookup, the HTTP helper, PKCE, lifetimes.

Each platform is a package `connections/providers/<slug>/`: `oauth.py` (plain functions taking
the provider as first argument), `errors.py` (one `raise_for_response`), and `__init__.py`
whose class binds those functions as methods. Publishing adds `publish.py` and binds its
functions the same way, so adding it touches no OAuth code.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any, ClassVar

import requests
from django.conf import settings
from django.utils import timezone

from connections.providers.base import AccountInfo, TokenSet
from connections.providers.http import Http


def make_code_verifier() -> str:
    return secrets.token_urlsafe(64)[:96]  # RFC 7636: 43-128 characters


def code_challenge_s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def expires_at(expires_in: Any) -> datetime | None:
    try:
        seconds = int(expires_in)
    except (TypeError, ValueError):
        return None
    return timezone.now() + timedelta(seconds=seconds)


class BaseProvider:
    slug: ClassVar[str]
    name: ClassVar[str]
    pkce: ClassVar[bool] = False
    scopes: ClassVar[tuple[str, ...]] = ()
    # Scopes without which publishing fails (shown as "missing" on the card).
    required_scopes: ClassVar[tuple[str, ...]] = ()
    # Why each scope is asked for, shown before the consent page opens.
    scope_reasons: ClassVar[dict[str, str]] = {}
    # Several accounts behind one login (Pages, organizations, locations): ask which.
    multi_account: ClassVar[bool] = False
    # How long before expiry the Beat sweep refreshes (or warns, where refresh is impossible).
    refresh_window: ClassVar[timedelta] = timedelta(minutes=30)
    verify_every: ClassVar[timedelta | None] = None

    @staticmethod
    def raise_for_response(response: requests.Response) -> None:  # overridden per platform
        raise NotImplementedError

    @property
    def http(self) -> Http:
        return Http(self.slug, type(self).raise_for_response)

    def setting(self, suffix: str) -> str:
        return getattr(settings, f"{self.slug.upper()}_{suffix}")

    @property
    def client_id(self) -> str:
        return self.setting("CLIENT_ID") or ""

    @property
    def client_secret(self) -> str:
        return self.setting("CLIENT_SECRET") or ""

    def is_configured(self) -> bool:
        return bool(self.client_id and self.client_secret)

    def can_refresh(self, token: TokenSet) -> bool:
        """Whether `refresh` can extend this token (else: warn, then ask to reconnect)."""
        return bool(token.refresh_token)

    def verify(self, token: TokenSet, *, account_id: str) -> AccountInfo | None:
        """Ask the platform's identity endpoint who the token acts as; None if it no longer
        reaches `account_id`. Raises the closed error set like every call."""
        for account in self.fetch_accounts(token):  # type: ignore[attr-defined]
            if account.account_id == account_id:
                return account
        return None

    def missing_scopes(self, granted: tuple[str, ...] | list[str]) -> list[str]:
        return [s for s in self.required_scopes if s not in set(granted)]
