"""What every platform provider speaks: one protocol, one closed error vocabulary, the values
that cross the boundary, and one HTTP helper. Nothing outside `providers/` knows a platform's
URL or error format; everything else talks to a provider through these types."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, ClassVar, Protocol

# --- Errors: the closed set every platform error is mapped onto, once, in its provider. -----


class ProviderError(Exception):
    """Base class. `message` is safe to show a person and to log: never a token."""

    code: ClassVar[str] = "provider_error"

    def __init__(self, message: str, *, status: int | None = None, platform_code: str = ""):
        super().__init__(message)
        self.message = message
        self.status = status
        self.platform_code = platform_code


class RateLimited(ProviderError):
    """Try again no earlier than `retry_at` (from Retry-After / reset headers when given)."""

    code = "rate_limited"

    def __init__(self, message: str, *, retry_at: datetime | None = None, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_at = retry_at


class QuotaExceeded(RateLimited):
    """A platform publishing quota is used up (Instagram's 24-hour container/publish quota,
    LinkedIn's daily limits): reschedule for `retry_at`; it never counts as a failed attempt."""

    code = "quota_exceeded"


class AuthExpired(ProviderError):
    """The access token expired: refresh it and try again once."""

    code = "auth_expired"


class AuthRevoked(ProviderError):
    """The grant is gone (revoked, password changed, app removed): a person must reconnect."""

    code = "auth_revoked"


class Transient(ProviderError):
    """5xx, or a failure before the request was sent: safe to retry."""

    code = "transient"


class Unknown(ProviderError):
    """The request may have been accepted (timeout after sending): reconcile before retrying."""

    code = "unknown"


class Rejected(ProviderError):
    """Permanent: content refused, duplicate, bad media. Retrying will not help."""

    code = "rejected"

    def __init__(self, message: str, *, reason: str = "", **kwargs):
        super().__init__(message, **kwargs)
        self.reason = reason or message


class Duplicate(Rejected):
    """The platform says the post already exists; `existing_id` names it when it can."""

    code = "duplicate"

    def __init__(self, message: str, *, existing_id: str = "", **kwargs):
        super().__init__(message, reason="duplicate", **kwargs)
        self.existing_id = existing_id


# --- Values that cross the boundary ----------------------------------------------------------


class UploadGone(Exception):
    """The platform no longer has the upload we were resuming (expired, unknown): start a new
    one. Raised and handled inside a provider, never returned to publishing."""


@contextmanager
def gone_if_refused(*, resumed: bool) -> Iterator[None]:
    """Around a call that may continue a saved upload: there, a 4xx refusal (other than a
    duplicate) means the platform no longer has the upload, so it becomes UploadGone; on a
    fresh upload a refusal stays what it is."""
    try:
        yield
    except Duplicate:
        raise
    except Rejected as error:
        if resumed and error.status is not None and 400 <= error.status < 500:
            raise UploadGone from error
        raise


@dataclass(frozen=True)
class TokenSet:
    access_token: str = field(repr=False)
    refresh_token: str = field(default="", repr=False)
    expires_at: datetime | None = None  # None: does not expire (e.g. a Facebook Page token)
    refresh_expires_at: datetime | None = None
    scopes: tuple[str, ...] = ()
    token_type: str = "bearer"


@dataclass(frozen=True)
class AccountInfo:
    """One account a token can act as: a Page, an organization, a location, a user."""

    account_id: str
    display_name: str
    username: str = ""
    avatar_url: str = ""
    kind: str = ""  # e.g. "page", "organization", "member", "location"
    # A token of the account's own when it differs from the user's (Facebook Page tokens).
    token: TokenSet | None = field(default=None, repr=False)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class MediaItem:
    url: str  # public URL the platform can fetch, or our own URL to read bytes from
    mime: str
    size_bytes: int | None = None
    width: int | None = None
    height: int | None = None
    duration_s: float | None = None
    alt_text: str = ""


@dataclass(frozen=True)
class PublishResult:
    platform_post_id: str
    permalink: str = ""
    published_at: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PostContent:
    """What to publish to one account (publishing builds it; providers only read it)."""

    text: str
    media: tuple[MediaItem, ...] = ()
    link: str = ""
    # X threads: the posts after the first, each a reply to the one before.
    thread: tuple[str, ...] = ()
    # Platform-specific options, e.g. Google {"topic_type": "EVENT", "event": {...}}.
    options: dict[str, Any] = field(default_factory=dict)


# --- The protocol ----------------------------------------------------------------------------


class Provider(Protocol):
    slug: ClassVar[str]
    name: ClassVar[str]
    pkce: ClassVar[bool]
    scopes: ClassVar[tuple[str, ...]]

    def is_configured(self) -> bool: ...

    def authorization_url(
        self, *, state: str, redirect_uri: str, code_challenge: str | None
    ) -> str: ...

    def exchange_code(
        self, *, code: str, redirect_uri: str, code_verifier: str | None
    ) -> TokenSet: ...

    def fetch_accounts(self, token: TokenSet) -> list[AccountInfo]: ...

    def refresh(self, token: TokenSet) -> TokenSet: ...

    def revoke(self, token: TokenSet) -> None: ...

    def granted_scopes(self, token: TokenSet) -> tuple[str, ...]: ...

    # Added with the provider packages (connections/providers/common.BaseProvider implements
    # them; each platform overrides what differs).
    required_scopes: ClassVar[tuple[str, ...]]
    scope_reasons: ClassVar[dict[str, str]]
    multi_account: ClassVar[bool]
    refresh_window: ClassVar[timedelta]
    # For tokens without an expiry: how often the sweep asks the platform whether the token
    # still works (None: never).
    verify_every: ClassVar[timedelta | None]

    def can_refresh(self, token: TokenSet) -> bool: ...

    def verify(self, token: TokenSet, *, account_id: str) -> AccountInfo | None: ...

    def missing_scopes(self, granted: tuple[str, ...] | list[str]) -> list[str]: ...


class Checkpoint(Protocol):
    """Persists intermediate platform ids (upload ids, containers, posted thread ids) the
    moment they are known, so a retry or a reconcile resumes instead of re-posting."""

    def __call__(self, **ids: Any) -> None: ...


class Publisher(Protocol):
    """The publishing half of a provider (added by the publishing app)."""

    def publish(
        self,
        token: TokenSet,
        *,
        account_id: str,
        content: PostContent,
        saved: dict[str, Any],
        checkpoint: Checkpoint,
    ) -> PublishResult: ...

    def find_post(
        self, token: TokenSet, *, account_id: str, content: PostContent, saved: dict[str, Any]
    ) -> PublishResult | None:
        """Look the post up on the platform (by saved ids, or recent posts with the same
        content) after an attempt whose outcome is unknown. None: it was not posted."""
        ...
