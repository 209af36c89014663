"""The one place publishing talks to providers: builds the content, gets a valid token,
refreshes once on AuthExpired, and keeps per-account throttles and reconnect pauses.

No function here runs inside a transaction of its own while calling a platform.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.utils import timezone

from connections.models import ConnectionStatus, PlatformConnection
from connections.providers import base as pb
from connections.providers import get_provider
from publishing import state
from publishing.models import ConnectionThrottle, JobStatus, PublishJob
from validation.limits import limits_for
from validation.selectors import policy_for_brand
from validation.threads import split_thread

T = TypeVar("T")
S = JobStatus


def build_content(job: PublishJob) -> pb.PostContent:
    post = job.post
    text = post.text_for(job.platform)
    thread: tuple[str, ...] = ()
    if post.x_thread and limits_for(job.platform).threads:
        # The parts validation showed the author (validation.threads).
        numbered = policy_for_brand(brand=post.brand).x_thread_numbering
        parts = split_thread(text, numbered=numbered)
        text, thread = (parts[0], parts[1:]) if parts else (text, ())
    media = tuple(
        pb.MediaItem(
            url=item.asset.public_url,
            mime=item.asset.mime,
            size_bytes=item.asset.size_bytes,
            width=item.asset.width,
            height=item.asset.height,
            duration_s=item.asset.duration_s,
            alt_text=item.asset.alt_text,
        )
        for item in post.attachments()
    )
    options: dict[str, Any] = {}
    if job.platform == "google_business":
        options = {"topic_type": post.google_post_type, **post.google_details}
    return pb.PostContent(text=text, media=media, link=post.link, thread=thread, options=options)


def _with_token(connection: PlatformConnection, call: Callable[[pb.TokenSet], T]) -> T:
    """Run `call` with a valid token; on AuthExpired refresh once and run it again."""
    from connections.services.vault import get_valid_token

    token = get_valid_token(connection)
    try:
        return call(token)
    except pb.AuthExpired:
        if token.expires_at is None:
            raise pb.AuthRevoked(f"{connection.platform}: the token was refused") from None
        # Ask for a token that outlives the refused one: the vault refreshes under its row
        # lock, or hands back the one another worker just refreshed.
        token = get_valid_token(
            connection, min_validity=token.expires_at - timezone.now() + timedelta(seconds=1)
        )
        return call(token)


def publish(job: PublishJob, *, checkpoint: pb.Checkpoint) -> pb.PublishResult:
    provider = get_provider(job.platform)
    content = build_content(job)
    connection = job.connection
    calls = 0

    def call(token: pb.TokenSet) -> pb.PublishResult:
        nonlocal calls
        calls += 1
        # The retry after a refresh must see what the first call checkpointed (uploaded
        # media, a sent thread part...), or it could send it again.
        saved = job.platform_ids if calls == 1 else _saved_ids(job.pk)
        return provider.publish(
            token,
            account_id=connection.account_id,
            content=content,
            saved=dict(saved or {}),
            checkpoint=checkpoint,
        )

    return _with_token(connection, call)


def _saved_ids(job_id: int) -> dict[str, Any]:
    return PublishJob.objects.filter(pk=job_id).values_list("platform_ids", flat=True).first()


def find_post(job: PublishJob) -> pb.PublishResult | None:
    provider = get_provider(job.platform)
    content = build_content(job)
    connection = job.connection
    # Re-read the ids: the worker that lost its lease may have saved more since we loaded.
    saved = _saved_ids(job.pk)
    return _with_token(
        connection,
        lambda token: provider.find_post(
            token, account_id=connection.account_id, content=content, saved=dict(saved or {})
        ),
    )


def result_for_existing(job: PublishJob, platform_post_id: str) -> pb.PublishResult:
    """A duplicate error named our live post: describe it (permalink) without posting."""
    provider = get_provider(job.platform)
    describe = getattr(provider, "describe_post", None)
    if describe is not None:
        try:
            return _with_token(
                job.connection,
                lambda token: describe(
                    token, account_id=job.connection.account_id, post_id=platform_post_id
                ),
            )
        except pb.ProviderError:
            pass
    return pb.PublishResult(platform_post_id=platform_post_id)


def blocked_until(connection_id: int) -> datetime | None:
    until = (
        ConnectionThrottle.objects.filter(connection_id=connection_id)
        .values_list("blocked_until", flat=True)
        .first()
    )
    return until if until is not None and until > timezone.now() else None


def block_connection(connection_id: int, *, until: datetime) -> None:
    ConnectionThrottle.objects.update_or_create(
        connection_id=connection_id, defaults={"blocked_until": until}
    )


def pause_for_reconnect(
    job: PublishJob, error: pb.ProviderError, *, expected: str = S.PUBLISHING
) -> None:
    """The grant is gone: mark the account as needing re-auth and park the job until a person
    reconnects it (`resume_reconnected` wakes it)."""
    from connections.services.vault import mark_needs_reauth

    if job.connection.status != ConnectionStatus.NEEDS_REAUTH:
        mark_needs_reauth(job.connection, error)
    state.try_transition(
        job.pk,
        expected=expected,
        # Only the attempt that met the revoked grant (see execution._mine).
        extra_where={"attempts": job.attempts},
        to=S.PAUSED,
        lease_expires_at=None,
        next_attempt_at=None,
        last_error_code="reconnect_required",
        last_error_message=f"Reconnect {job.connection.get_platform_display()} to continue.",
    )


def resume_reconnected() -> list[int]:
    """Paused jobs whose account is connected again go back to the queue."""
    from django.conf import settings
    from django.db import transaction

    from publishing.services.execution import enqueue_publish

    resumed: list[int] = []
    with transaction.atomic():
        ids = list(
            PublishJob.objects.select_for_update(skip_locked=True)
            .filter(status=S.PAUSED, connection__status=ConnectionStatus.ACTIVE)
            .values_list("id", flat=True)[:500]
        )
        requeue = timezone.now() + timedelta(seconds=settings.PUBLISH_REQUEUE_SECONDS)
        for job_id in ids:
            if state.try_transition(
                job_id, expected=S.PAUSED, to=S.QUEUED, next_attempt_at=requeue
            ):
                resumed.append(job_id)
        enqueue_publish(resumed)
    return resumed
