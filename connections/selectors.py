"""Connection reads. Every brand-facing read goes through a brand obtained from
tenancy.selectors.brand_for_user, so another brand's connection is simply not found."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from connections.models import ConnectionStatus, PlatformConnection
from connections.providers import REGISTRY, get_provider


def connections_for_brand(*, brand) -> QuerySet[PlatformConnection]:
    return PlatformConnection.objects.filter(brand=brand).order_by("platform", "display_name", "id")


def connection_for_brand(*, brand, connection_id) -> PlatformConnection:
    return get_object_or_404(connections_for_brand(brand=brand), pk=connection_id)


def connections_due(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    """Ids of connections the Beat sweep must look at now: one indexed range scan over the
    partial index on refresh_due_at (rows with nothing due have it NULL and are not in it)."""
    now = now or timezone.now()
    return list(
        PlatformConnection.objects.filter(refresh_due_at__lte=now)
        .order_by("refresh_due_at")
        .values_list("id", flat=True)[:limit]
    )


@dataclass
class PlatformCard:
    slug: str
    name: str
    configured: bool
    multi_account: bool
    scopes: list[tuple[str, str]]  # (scope, why)
    connections: list[PlatformConnection] = field(default_factory=list)


def platform_cards(*, brand) -> list[PlatformCard]:
    """One card per platform with its connections (connected ones first)."""
    by_platform: dict[str, list[PlatformConnection]] = {slug: [] for slug in REGISTRY}
    for connection in connections_for_brand(brand=brand):
        by_platform.setdefault(connection.platform, []).append(connection)
    cards = []
    for slug in REGISTRY:
        provider = get_provider(slug)
        listed = sorted(by_platform[slug], key=lambda c: c.status == ConnectionStatus.REVOKED)
        for connection in listed:
            connection.missing_scopes = provider.missing_scopes(connection.granted_scopes or [])
            connection.days_left = (
                max(0, (connection.token_expires_at - timezone.now()).days)
                if connection.token_expires_at
                else None
            )
        cards.append(
            PlatformCard(
                slug=slug,
                name=provider.name,
                configured=provider.is_configured(),
                multi_account=provider.multi_account,
                scopes=[(s, provider.scope_reasons.get(s, "")) for s in provider.scopes],
                connections=listed,
            )
        )
    return cards
