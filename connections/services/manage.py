"""Verify, refresh now, disconnect, and the Beat sweep's per-connection step."""

from __future__ import annotations

from datetime import timedelta

import structlog
from django.db import transaction
from django.utils import timezone

from audit.services import record_action
from connections.models import ConnectionStatus, PlatformConnection
from connections.providers import get_provider
from connections.providers.base import AuthExpired, AuthRevoked, ProviderError
from connections.services.vault import (
    FOREVER,
    get_valid_token,
    mark_needs_reauth,
    refresh_due_at,
    token_of,
)

log = structlog.get_logger(__name__)
VERIFY_RETRY = timedelta(hours=1)


class ConnectionActionError(Exception):
    """A person-facing reason an action could not be done (no tokens in the message)."""


def connection_verify(
    *, connection: PlatformConnection, actor=None, request=None
) -> PlatformConnection:
    """Ask the platform's identity endpoint whether the token still reaches the account."""
    provider = get_provider(connection.platform)
    try:
        token = get_valid_token(connection, actor=actor)
        try:
            account = provider.verify(token, account_id=connection.account_id)
        except AuthExpired:
            if not provider.can_refresh(token):
                raise
            token = get_valid_token(connection, stale_access_token=token.access_token, actor=actor)
            account = provider.verify(token, account_id=connection.account_id)
        granted = provider.granted_scopes(token)
    except (AuthRevoked, AuthExpired) as exc:
        if connection.status != ConnectionStatus.NEEDS_REAUTH:
            mark_needs_reauth(connection, exc, actor=actor)
        raise ConnectionActionError(connection.last_error) from None
    except ProviderError as exc:
        raise ConnectionActionError(
            f"{provider.name} could not be reached: {exc.message}"
        ) from None
    now = timezone.now()
    with transaction.atomic():
        locked = PlatformConnection.objects.select_for_update().get(pk=connection.pk)
        locked.last_verified_at = now
        if account is None:
            locked.status = ConnectionStatus.ERROR
            locked.last_error = f"This token no longer reaches {connection.display_name}."
        else:
            locked.display_name = account.display_name or locked.display_name
            locked.avatar_url = account.avatar_url or locked.avatar_url
            if locked.status == ConnectionStatus.ERROR:
                locked.status, locked.last_error = ConnectionStatus.ACTIVE, ""
        if granted:
            locked.granted_scopes = list(granted)
        locked.refresh_due_at = refresh_due_at(locked, now=now)
        locked.save()
        record_action(
            action="connection.verified",
            actor=actor,
            brand=locked.brand,
            target=locked,
            request=request,
            details={"platform": locked.platform, "ok": account is not None},
        )
    return locked


def connection_refresh(
    *, connection: PlatformConnection, actor=None, request=None
) -> PlatformConnection:
    """Refresh now, whatever the expiry. Platforms without refresh say so."""
    provider = get_provider(connection.platform)
    if connection.status == ConnectionStatus.REVOKED or not connection.has_tokens:
        raise ConnectionActionError("This connection is disconnected. Connect it again.")
    if not provider.can_refresh(token_of(connection)):
        raise ConnectionActionError(
            f"{provider.name} tokens cannot be refreshed; reconnect before they expire."
        )
    try:
        get_valid_token(connection, min_validity=FOREVER, actor=actor)
    except AuthRevoked:
        raise ConnectionActionError(connection.last_error) from None
    except ProviderError as exc:
        raise ConnectionActionError(f"{provider.name} could not refresh: {exc.message}") from None
    return connection


def _shares_grant(connection: PlatformConnection) -> bool:
    """Other live connections of this brand using the same grant (LinkedIn member and its
    organizations, Google locations): revoking at the platform would cut them off too."""
    siblings = (
        PlatformConnection.objects.filter(
            brand_id=connection.brand_id, platform=connection.platform
        )
        .exclude(pk=connection.pk)
        .exclude(status=ConnectionStatus.REVOKED)
    )
    mine = {connection.access_token, connection.refresh_token} - {""}
    return any({s.access_token, s.refresh_token} & mine for s in siblings)


def connection_disconnect(
    *, connection: PlatformConnection, actor=None, request=None
) -> tuple[PlatformConnection, str]:
    """Revoke at the platform (when the grant is ours alone), then delete our tokens. The row
    stays, status `revoked`, so publishing history keeps its target. Returns a note for the
    person when the platform could not be told."""
    provider = get_provider(connection.platform)
    note = ""
    if connection.has_tokens and not _shares_grant(connection):
        try:
            provider.revoke(token_of(connection))  # network: outside any transaction
        except (AuthRevoked, AuthExpired):
            pass  # already gone at the platform
        except ProviderError as exc:
            note = (
                f"{provider.name} could not be told ({exc.message}); remove the app's access "
                f"in your {provider.name} settings too."
            )
    with transaction.atomic():
        locked = PlatformConnection.objects.select_for_update().get(pk=connection.pk)
        locked.access_token = ""
        locked.refresh_token = ""
        locked.token_expires_at = None
        locked.refresh_expires_at = None
        locked.refresh_due_at = None
        locked.status = ConnectionStatus.REVOKED
        locked.last_error = note
        locked.save()
        record_action(
            action="connection.disconnected",
            actor=actor,
            brand=locked.brand,
            target=locked,
            request=request,
            details={"platform": locked.platform, "revoked_at_platform": not note},
        )
    return locked, note


def connection_sweep_one(*, connection_id: int) -> str:
    """One due connection from the Beat sweep: refresh it ahead of expiry, or, when it cannot be
    refreshed, warn (`expiring`) and finally ask for re-auth. Returns what it did."""
    connection = PlatformConnection.objects.select_related("brand").filter(pk=connection_id).first()
    if connection is None or connection.status in (
        ConnectionStatus.NEEDS_REAUTH,
        ConnectionStatus.REVOKED,
    ):
        return "skipped"
    provider = get_provider(connection.platform)
    now = timezone.now()
    if provider.can_refresh(token_of(connection)):
        try:
            get_valid_token(connection, min_validity=provider.refresh_window)
        except AuthRevoked:
            return "needs_reauth"
        except ProviderError as exc:
            log.warning("sweep_refresh_failed", connection_id=connection_id, reason=exc.code)
            return "failed"
        return "refreshed"
    expires = connection.token_expires_at
    if expires is None:
        if provider.verify_every is None:
            return "skipped"
        try:
            connection_verify(connection=connection)
        except ConnectionActionError:
            connection.refresh_from_db(fields=["status"])
            if connection.status == ConnectionStatus.NEEDS_REAUTH:
                return "needs_reauth"
            # Unreachable for now: look again in an hour rather than on every sweep tick.
            PlatformConnection.objects.filter(pk=connection_id).update(
                refresh_due_at=now + VERIFY_RETRY
            )
            return "failed"
        return "verified"
    if expires <= now:
        mark_needs_reauth(connection, AuthExpired(f"the {provider.name} token expired"))
        return "needs_reauth"
    with transaction.atomic():
        locked = PlatformConnection.objects.select_for_update().get(pk=connection_id)
        days = max(0, (expires - now).days)
        locked.status = ConnectionStatus.EXPIRING
        locked.last_error = (
            f"{provider.name} access ends in {days} days and cannot be extended automatically. "
            "Reconnect to keep publishing."
        )
        locked.refresh_due_at = refresh_due_at(locked, now=now)
        locked.save(update_fields=["status", "last_error", "refresh_due_at", "updated_at"])
        record_action(
            action="connection.expiring",
            brand=locked.brand,
            target=locked,
            details={"platform": locked.platform, "expires_at": expires.isoformat()},
        )
    return "expiring"
