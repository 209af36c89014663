"""Connections granted by one Meta user, and what deauthorization and data deletion do to
them. The connection row stays (publishing history points at it), status `revoked`."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q, QuerySet

from audit.services import record_action
from connections.models import ConnectionStatus, PlatformConnection
from webhooks.platforms import MetaApp

# The key under PlatformConnection.extra holding the app-scoped id of the Meta user who
# granted the connection. The Instagram (Instagram Login) account is itself the user: its
# account_id, or the app-scoped id the provider keeps as `app_scoped_id`.
META_USER_KEY = "user_id"


def connections_for_meta_user(*, app: MetaApp, user_id: str) -> QuerySet[PlatformConnection]:
    """Every brand's connections of `app`'s platform granted by `user_id` (a callback from
    Meta concerns the user, whichever brands connected their accounts)."""
    match = Q(**{f"extra__{META_USER_KEY}": user_id})
    if app.slug == "instagram":
        match |= Q(account_id=user_id) | Q(extra__app_scoped_id=user_id)
    return PlatformConnection.objects.filter(platform=app.slug).filter(match).order_by("pk")


def _revoke(connection: PlatformConnection, *, note: str) -> None:
    connection.access_token = ""
    connection.refresh_token = ""
    connection.token_expires_at = None
    connection.refresh_expires_at = None
    connection.refresh_due_at = None  # nothing for the refresh sweep to do any more
    connection.status = ConnectionStatus.REVOKED
    connection.last_error = note


def connection_deauthorize(*, connection_id: int, app: MetaApp, delivery_id: int) -> bool:
    """The user removed our app on the platform: the grant is gone there, so there is nothing
    to revoke remotely; delete our tokens and mark the connection revoked. Returns False when
    it already was (a replayed callback changes nothing and writes no second audit row)."""
    with transaction.atomic():
        connection = (
            PlatformConnection.objects.select_for_update()
            .select_related("brand")
            .get(pk=connection_id)
        )
        if connection.status == ConnectionStatus.REVOKED and not connection.has_tokens:
            return False
        _revoke(
            connection,
            note=f"Access was removed in {app.name}. Connect the account again to publish.",
        )
        connection.save()
        record_action(
            action="connection.deauthorized",
            brand=connection.brand,
            target=connection,
            details={"platform": connection.platform, "webhook_delivery_id": delivery_id},
        )
    return True


def connection_erase_user_data(*, connection_id: int, app: MetaApp, request_id: int) -> bool:
    """Data deletion: revoke (tokens gone) and blank what we hold about the account's user
    (names, picture, platform ids in `extra`, scopes). The row and its account_id stay for
    the publishing history and the per-brand uniqueness. Returns False if already erased."""
    with transaction.atomic():
        connection = (
            PlatformConnection.objects.select_for_update()
            .select_related("brand")
            .get(pk=connection_id)
        )
        erased = not connection.has_tokens and not connection.extra and not connection.username
        if erased and connection.status == ConnectionStatus.REVOKED:
            return False
        _revoke(connection, note=f"Data deleted at the {app.name} user's request.")
        connection.display_name = "Deleted account"
        connection.username = ""
        connection.avatar_url = ""
        connection.extra = {}
        connection.granted_scopes = []
        connection.save()
        record_action(
            action="connection.data_deleted",
            brand=connection.brand,
            target=connection,
            details={"platform": connection.platform, "data_deletion_request_id": request_id},
        )
    return True
