"""Reviews sync for one location: page through the platform's reviews and upsert them.

Each page is fetched outside any transaction and stored in one of its own, so a run that
stops midway (rate limit, lost access) keeps what it read, and the next run starts over from
the first page (reviews are few per location; the list is newest-updated first). A run that
read every page also removes the reviews the platform no longer lists (deleted by their
authors or removed by Google): the platform is the source of truth. Every run writes one
PlatformSyncRun row (kind "reviews").
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from audit.services import record_sync_run
from connections.models import ConnectionStatus, PlatformConnection
from connections.providers import base as pb
from connections.services.vault import mark_needs_reauth
from reviews import sentiment
from reviews.models import Review
from reviews.services.platform import REVIEW_PLATFORMS, provider_for, with_token

logger = logging.getLogger(__name__)
MAX_PAGES = 200  # 10,000 reviews at 50 a page
KIND = "reviews"
SYNCABLE = (ConnectionStatus.ACTIVE, ConnectionStatus.EXPIRING)

UPDATED_FIELDS = [
    "rating", "text", "reviewer_name", "reviewed_at", "review_updated_at", "reply_text",
    "replied_at", "sentiment", "sentiment_score", "last_synced_at",
]  # fmt: skip


@dataclass(frozen=True)
class SyncResult:
    outcome: str  # "ok", "partial" or "error" (as in PlatformSyncRun)
    records: int
    pages: int
    error_code: str = ""


def _rows(connection: PlatformConnection, page, now) -> list[Review]:
    rows = []
    for item in page.reviews:
        value = sentiment.score(text=item.text, rating=item.rating)
        rows.append(
            Review(
                brand_id=connection.brand_id,
                connection=connection,
                platform=connection.platform,
                platform_review_id=item.review_id,
                rating=item.rating,
                text=item.text,
                reviewer_name=item.reviewer_name,
                reviewed_at=item.created_at or item.updated_at or now,
                review_updated_at=item.updated_at,
                reply_text=item.reply_text,
                replied_at=item.reply_updated_at if item.reply_text else None,
                sentiment=sentiment.label(value),
                sentiment_score=value,
                last_synced_at=now,
            )
        )
    return rows


def _store(rows: list[Review]) -> None:
    with transaction.atomic():
        Review.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["connection", "platform_review_id"],
            update_fields=UPDATED_FIELDS,
        )


def reviews_sync(*, connection: PlatformConnection) -> SyncResult:
    """Sync one connected location's reviews; never raises a provider error (it is recorded)."""
    provider = provider_for(connection)
    started = timezone.now()
    records = pages = 0
    error: pb.ProviderError | None = None
    summary: dict = {}
    page_token = ""
    complete = False  # every page read
    try:
        while pages < MAX_PAGES:
            page = with_token(
                connection,
                lambda token, cursor=page_token: provider.list_reviews(
                    token, account_id=connection.account_id, page_token=cursor
                ),
            )
            pages += 1
            _store(_rows(connection, page, timezone.now()))
            records += len(page.reviews)
            summary = {"average_rating": page.average_rating, "total": page.total_count}
            if not page.next_page_token:
                complete = True
                break
            page_token = page.next_page_token
    except pb.ProviderError as exc:
        error = exc
        if isinstance(exc, pb.AuthRevoked) and connection.status != ConnectionStatus.NEEDS_REAUTH:
            mark_needs_reauth(connection, exc)
        logger.warning("reviews sync of connection %s stopped: %s", connection.pk, exc.code)
    if complete:
        # What this run did not touch is gone from the platform.
        gone = Review.objects.filter(connection=connection, last_synced_at__lt=started)
        summary["removed"] = gone.delete()[0]
    outcome = "ok" if error is None else ("partial" if records else "error")
    record_sync_run(
        connection=connection, kind=KIND, started_at=started, finished_at=timezone.now(),
        records=records, outcome=outcome, error=error,
        details={"pages": pages, **summary, **({"stopped_at_page": pages + 1} if error else {})},
    )  # fmt: skip
    return SyncResult(outcome, records, pages, error.code if error else "")


def connections_to_sync() -> list[int]:
    """Active connections of platforms that have reviews."""
    return list(
        PlatformConnection.objects.filter(platform__in=REVIEW_PLATFORMS, status__in=SYNCABLE)
        .order_by("id")
        .values_list("id", flat=True)
    )
