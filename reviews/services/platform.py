"""Calls to the reviews half of a provider with a valid token: refreshed ahead of expiry by
the vault, and once more when the platform refuses the token before its expiry."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from connections.models import PlatformConnection
from connections.providers import base as pb
from connections.providers import get_provider
from connections.services.vault import get_valid_token

T = TypeVar("T")

# Platforms whose provider has list_reviews / reply_to_review / delete_reply.
REVIEW_PLATFORMS = ("google_business",)


def provider_for(connection: PlatformConnection):
    if connection.platform not in REVIEW_PLATFORMS:
        raise ValueError(f"{connection.platform} has no reviews")
    return get_provider(connection.platform)


def with_token(connection: PlatformConnection, call: Callable[[pb.TokenSet], T]) -> T:
    token = get_valid_token(connection)
    try:
        return call(token)
    except pb.AuthExpired:
        # A 401 before the stored expiry: refresh (under the vault's lock) and try once more.
        return call(get_valid_token(connection, stale_access_token=token.access_token))
