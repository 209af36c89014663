"""The token vault's writes: store a grant, hand out a valid token, mark a dead grant.

`get_valid_token(connection)` is what every caller (publishing included) uses before a
platform call. When the token expires within 5 minutes it refreshes under a row lock:

    lock the row (SELECT ... FOR UPDATE) -> re-check -> refresh at the platform -> store -> commit

Trade-off, on purpose: this is the one place where a network call happens inside a database
transaction. X refresh tokens are single-use and a reused one revokes the whole grant, so two
workers must never both spend the same refresh token; holding the row lock across the call is
the simplest way to guarantee it and to make the second caller wait and then read the new
token. The cost is a row lock (and a pooled connection) held for one HTTP round trip, bounded
by the provider timeouts (PLATFORM_CONNECT_TIMEOUT + PLATFORM_READ_TIMEOUT). Only this one
connection's row is locked. A lease column claimed with a conditional UPDATE would avoid the
open transaction but needs waiters to poll; not worth it at our volumes.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import structlog
from django.db import transaction
from django.utils import timezone

from audit.services import record_action
from connections.models import ConnectionStatus, PlatformConnection
from connections.providers import get_provider
from connections.providers.base import AccountInfo, AuthRevoked, ProviderError, TokenSet

log = structlog.get_logger(__name__)

MIN_VALIDITY = timedelta(minutes=5)
FOREVER = timedelta(days=36500)  # "refresh whatever the expiry"
# Tokens that cannot be refreshed (Facebook, LinkedIn without a partner refresh token): warn
# this long before they run out.
WARN_BEFORE = timedelta(days=7)


def token_of(connection: PlatformConnection) -> TokenSet:
    return TokenSet(
        access_token=connection.access_token,
        refresh_token=connection.refresh_token,
        expires_at=connection.token_expires_at,
        refresh_expires_at=connection.refresh_expires_at,
        scopes=tuple(connection.granted_scopes or ()),
    )


def refresh_due_at(
    connection: PlatformConnection, *, now: datetime | None = None
) -> datetime | None:
    """When the Beat sweep must next look at this connection; None keeps it out of the sweep."""
    now = now or timezone.now()
    if connection.status in (ConnectionStatus.NEEDS_REAUTH, ConnectionStatus.REVOKED):
        return None
    provider = get_provider(connection.platform)
    if connection.token_expires_at is None:
        # A token that never expires can still die: verify it now and then, if we are asked.
        return now + provider.verify_every if provider.verify_every else None
    if provider.can_refresh(token_of(connection)):
        return connection.token_expires_at - provider.refresh_window
    # Not warned yet: wake up at the warning time (at once if it has passed). Warned: wake up
    # at expiry to ask for re-auth.
    if connection.status == ConnectionStatus.EXPIRING:
        return connection.token_expires_at
    return connection.token_expires_at - WARN_BEFORE


def _apply_token(connection: PlatformConnection, token: TokenSet, *, now: datetime) -> None:
    connection.access_token = token.access_token
    # An empty refresh token in a response means "keep yours", never "forget it".
    if token.refresh_token:
        connection.refresh_token = token.refresh_token
    connection.token_expires_at = token.expires_at
    if token.refresh_expires_at is not None:
        connection.refresh_expires_at = token.refresh_expires_at
    if token.scopes:
        connection.granted_scopes = list(token.scopes)
    connection.token_issued_at = now


def connection_store(
    *,
    brand,
    platform: str,
    account: AccountInfo,
    token: TokenSet,
    actor=None,
    request=None,
) -> PlatformConnection:
    """Create the connection, or update it in place when this account is already connected."""
    now = timezone.now()
    token = account.token or token
    with transaction.atomic():
        connection = (
            PlatformConnection.objects.select_for_update()
            .filter(brand=brand, platform=platform, account_id=account.account_id)
            .first()
        )
        created = connection is None
        if created:
            connection = PlatformConnection(
                brand=brand, platform=platform, account_id=account.account_id
            )
        connection.account_kind = account.kind
        connection.display_name = account.display_name
        connection.username = account.username
        connection.avatar_url = account.avatar_url
        connection.extra = {k: v for k, v in account.extra.items() if "token" not in k}
        _apply_token(connection, token, now=now)
        connection.status = ConnectionStatus.ACTIVE
        connection.last_error = ""
        connection.last_verified_at = now
        connection.connected_by = actor if getattr(actor, "is_authenticated", False) else None
        connection.refresh_due_at = refresh_due_at(connection, now=now)
        connection.save()
        record_action(
            action="connection.connected" if created else "connection.reconnected",
            actor=actor,
            brand=brand,
            target=connection,
            request=request,
            details={"platform": platform, "account_id": account.account_id},
        )
    return connection


def mark_needs_reauth(connection: PlatformConnection, error: ProviderError, *, actor=None) -> None:
    provider = get_provider(connection.platform)
    message = (
        f"{provider.name} no longer accepts this connection ({error.message}). "
        "An admin must reconnect it from the Connections page."
    )
    with transaction.atomic():
        PlatformConnection.objects.filter(pk=connection.pk).update(
            status=ConnectionStatus.NEEDS_REAUTH,
            last_error=message,
            refresh_due_at=None,
            updated_at=timezone.now(),
        )
        record_action(
            action="connection.needs_reauth",
            actor=actor,
            brand=connection.brand,
            target=connection,
            details={"platform": connection.platform, "reason": error.code},
        )
    connection.status, connection.last_error, connection.refresh_due_at = (
        ConnectionStatus.NEEDS_REAUTH,
        message,
        None,
    )
    log.warning("connection_needs_reauth", connection_id=connection.pk, reason=error.code)


def _record_error(connection: PlatformConnection, error: ProviderError) -> None:
    PlatformConnection.objects.filter(pk=connection.pk).update(
        last_error=error.message, updated_at=timezone.now()
    )
    connection.last_error = error.message


def _expires_within(connection: PlatformConnection, within: timedelta) -> bool:
    expires = connection.token_expires_at
    return expires is not None and expires - timezone.now() <= within


def _copy_into(target: PlatformConnection, source: PlatformConnection) -> None:
    for field in (
        "access_token",
        "refresh_token",
        "token_expires_at",
        "refresh_expires_at",
        "token_issued_at",
        "granted_scopes",
        "status",
        "last_error",
        "last_refreshed_at",
        "refresh_due_at",
    ):
        setattr(target, field, getattr(source, field))


def get_valid_token(
    connection: PlatformConnection,
    *,
    min_validity: timedelta = MIN_VALIDITY,
    stale_access_token: str | None = None,
    actor=None,
) -> TokenSet:
    """A token valid for at least `min_validity`, refreshed under a row lock when needed.

    `stale_access_token`: a token the platform just refused with AuthExpired (a 401 before
    the stored expiry). If the stored token is still that one, it is refreshed whatever its
    expiry; if another worker already replaced it, the new one is returned without a call.

    Raises AuthRevoked (and leaves the connection `needs_reauth`) when the grant is gone, and
    the provider's other errors unchanged. `connection` is updated in place.
    """
    if connection.status in (ConnectionStatus.NEEDS_REAUTH, ConnectionStatus.REVOKED):
        raise AuthRevoked(connection.last_error or "This connection must be reconnected.")
    if stale_access_token:
        min_validity = FOREVER if connection.access_token == stale_access_token else min_validity
    if not _expires_within(connection, min_validity):
        return token_of(connection)
    provider = get_provider(connection.platform)
    failure: ProviderError | None = None
    with transaction.atomic():
        locked = PlatformConnection.objects.select_for_update().get(pk=connection.pk)
        if stale_access_token and locked.access_token != stale_access_token:
            min_validity = MIN_VALIDITY  # someone replaced the refused token already
        if locked.status in (ConnectionStatus.NEEDS_REAUTH, ConnectionStatus.REVOKED):
            failure = AuthRevoked(locked.last_error or "This connection must be reconnected.")
        elif not _expires_within(locked, min_validity):
            # Someone refreshed while we waited for the lock: use theirs.
            _copy_into(connection, locked)
            return token_of(locked)
        elif not provider.can_refresh(token_of(locked)):
            failure = AuthRevoked(f"{provider.name} tokens cannot be refreshed")
        else:
            try:
                fresh = provider.refresh(token_of(locked))  # network call under the lock: see above
            except ProviderError as exc:
                failure = exc
            else:
                now = timezone.now()
                _apply_token(locked, fresh, now=now)
                locked.last_refreshed_at = now
                locked.status = ConnectionStatus.ACTIVE
                locked.last_error = ""
                locked.refresh_due_at = refresh_due_at(locked, now=now)
                locked.save()
                record_action(
                    action="connection.refreshed",
                    actor=actor,
                    brand=locked.brand,
                    target=locked,
                    details={"platform": locked.platform},
                )
                _copy_into(connection, locked)
                log.info("connection_refreshed", connection_id=connection.pk)
                return token_of(locked)
    if isinstance(failure, AuthRevoked):
        mark_needs_reauth(connection, failure, actor=actor)
    else:
        _record_error(connection, failure)
    raise failure
