"""Worker-side publishing: claim (commit), call the platform (no transaction), record (commit).

An attempt whose outcome is unknown is never retried blindly: it goes to `reconciling`, and
`job_reconcile` looks the post up on the platform before anything is sent again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import structlog
from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, Func, JSONField, Prefetch, Value, When
from django.db.models.functions import Now
from django.utils import timezone

from connections.providers import base as pb
from publishing import backoff, state
from publishing.models import JobStatus, PostMedia, PublishAttempt, PublishJob
from publishing.services import platform_calls

logger = logging.getLogger(__name__)
log = structlog.get_logger(__name__)
S = JobStatus


def enqueue_publish(job_ids: list[int]) -> None:
    """Send publish tasks once the surrounding transaction commits."""
    from publishing.tasks import publish_job

    if job_ids:
        transaction.on_commit(lambda: [publish_job.delay(job_id=i) for i in job_ids])


def _bind_log_context(job: PublishJob) -> None:
    """Every log line of this attempt names the job's brand, platform and post (the Celery
    signal in config/celery.py has bound the task and job ids already)."""
    structlog.contextvars.bind_contextvars(
        job_id=job.pk, brand_id=job.post.brand_id, post_id=job.post_id, platform=job.platform
    )


def _attempt_start(job: PublishJob, kind: str) -> PublishAttempt:
    _bind_log_context(job)
    return PublishAttempt.objects.create(
        job=job, number=job.attempts, kind=kind, started_at=timezone.now()
    )


def _attempt_finish(
    attempt: PublishAttempt, outcome: str, started: float, error: Exception | None = None
) -> None:
    attempt.finished_at = timezone.now()
    attempt.outcome = outcome
    attempt.duration_ms = int((time.monotonic() - started) * 1000)
    if isinstance(error, pb.ProviderError):
        attempt.http_status = error.status
        attempt.error_code = error.code
        attempt.error_message = error.message[:2000]
    elif error is not None:
        attempt.error_code = "internal_error"
        attempt.error_message = type(error).__name__
    attempt.save(
        update_fields=[
            "finished_at",
            "outcome",
            "duration_ms",
            "http_status",
            "error_code",
            "error_message",
        ]
    )
    log.info(
        "publish attempt finished",
        kind=attempt.kind,
        attempt=attempt.number,
        outcome=outcome,
        duration_ms=attempt.duration_ms,
        http_status=attempt.http_status,
        error_code=attempt.error_code,
    )


def _checkpoint(job_id: int) -> Callable[..., None]:
    """Save intermediate platform ids at once, outside any transaction of ours, so a worker
    killed a moment later leaves them for the reconcile / resume that follows."""

    def save(**ids: Any) -> None:
        # Progress renews the lease: a long upload that keeps checkpointing is alive, and the
        # reaper must not hand its job to a second worker.
        lease = timezone.now() + timedelta(seconds=settings.PUBLISH_LEASE_SECONDS)
        PublishJob.objects.filter(pk=job_id).update(
            platform_ids=_JsonMerge(F("platform_ids"), ids),
            lease_expires_at=Case(
                When(status=S.PUBLISHING, then=Value(lease)), default=F("lease_expires_at")
            ),
            updated_at=Now(),
        )

    return save


class _JsonMerge(Func):
    """platform_ids merged with new keys in one UPDATE (no read-modify-write). A key set to
    None is removed, the same on both databases: json_patch() does that on SQLite (RFC 7386
    merge patch); on PostgreSQL `||` would keep the null, so those keys are subtracted.
    Values are flat (ids, lists, flags), where the two merges agree."""

    output_field = JSONField()

    def __init__(self, target, ids: dict[str, Any]):
        super().__init__(target, Value(ids, output_field=JSONField()))
        self.removed = [key for key, value in ids.items() if value is None]

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="json_patch(%(expressions)s)", arg_joiner=", ", **extra
        )

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = self.as_sql(
            compiler, connection, template="(%(expressions)s)", arg_joiner=" || ", **extra
        )
        for key in self.removed:
            sql, params = f"({sql} - %s::text)", (*params, key)
        return sql, params


def _published_fields(result: pb.PublishResult) -> dict[str, Any]:
    return {
        "platform_post_id": result.platform_post_id,
        "permalink": result.permalink,
        "published_at": result.published_at or timezone.now(),
        "lease_expires_at": None,
        "next_attempt_at": None,
        "last_error_code": "",
        "last_error_message": "",
    }


def _mine(job: PublishJob) -> dict[str, Any]:
    """Guard for the worker's own transitions out of `publishing`: only while the job is still
    on the attempt this worker claimed. A worker that stalled past its lease (the reaper
    reconciled the job and another worker claimed it again) must not move the new attempt."""
    return {"extra_where": {"attempts": job.attempts}}


def _record_published(job: PublishJob, result: pb.PublishResult) -> None:
    job_id = job.pk
    fields = _published_fields(result)
    if state.try_transition(job_id, expected=S.PUBLISHING, to=S.PUBLISHED, **_mine(job), **fields):
        return
    # Our lease ran out and the reaper moved the job to reconciling while we were still
    # talking to the platform: we know the answer, so settle it now.
    if not state.try_transition(job_id, expected=S.RECONCILING, to=S.PUBLISHED, **fields):
        logger.error("published job %s could not be recorded: status moved", job_id)


def _error_fields(error: pb.ProviderError | Exception) -> dict[str, Any]:
    if isinstance(error, pb.ProviderError):
        return {"last_error_code": error.code, "last_error_message": error.message[:2000]}
    return {"last_error_code": "internal_error", "last_error_message": type(error).__name__}


def _retry_or_fail(job: PublishJob, error: pb.ProviderError, not_before: datetime | None) -> None:
    now = timezone.now()
    if job.attempts >= settings.PUBLISH_MAX_ATTEMPTS and not isinstance(error, pb.RateLimited):
        state.try_transition(
            job.pk, expected=S.PUBLISHING, **_mine(job), to=S.FAILED, lease_expires_at=None,
            **_error_fields(error),
        )  # fmt: skip
        return
    when = backoff.next_attempt_at(now=now, attempt=job.attempts, not_before=not_before)
    state.try_transition(
        job.pk, expected=S.PUBLISHING, **_mine(job), to=S.RETRYING, lease_expires_at=None,
        next_attempt_at=when, **_error_fields(error),
    )  # fmt: skip


def job_execute(job_id: int) -> str:
    """Publish one queued job. Returns what happened (for logs and tests)."""
    lease = timezone.now() + timedelta(seconds=settings.PUBLISH_LEASE_SECONDS)
    if state.claim_for_publishing(job_id, lease_until=lease) is None:
        return "not_claimed"
    job = (
        PublishJob.objects.select_related("post__brand", "connection")
        .prefetch_related(Prefetch("post__post_media", PostMedia.objects.select_related("asset")))
        .get(pk=job_id)
    )
    blocked = platform_calls.blocked_until(job.connection_id)
    if blocked is not None:
        # Another job of this account hit the rate limit: wait for its reset without a call.
        state.try_transition(
            job_id, expected=S.PUBLISHING, **_mine(job), to=S.RETRYING, lease_expires_at=None,
            next_attempt_at=blocked, last_error_code="rate_limited",
            last_error_message="Waiting for the account's rate-limit reset.",
        )  # fmt: skip
        return "blocked"
    if not job.platform_ids:
        # Nothing sent yet: validate once more. (A job with platform ids saved may already be
        # partly on the platform, e.g. half a thread, and must be allowed to finish.)
        from publishing.services.review import recheck_before_publish

        refused = recheck_before_publish(job)
        if refused is not None:
            code, message = refused
            state.try_transition(
                job_id, expected=S.PUBLISHING, **_mine(job), to=S.FAILED, lease_expires_at=None,
                last_error_code=code, last_error_message=message,
            )  # fmt: skip
            return code
    attempt = _attempt_start(job, "publish")
    started = time.monotonic()
    try:
        result = platform_calls.publish(job, checkpoint=_checkpoint(job_id))
    except pb.Duplicate as error:
        return _handle_duplicate(job, attempt, started, error)
    except pb.RateLimited as error:
        # Quotas (QuotaExceeded) are rate limits with a far-off reset: same path, own name.
        outcome = error.code if isinstance(error, pb.QuotaExceeded) else "rate_limited"
        _attempt_finish(attempt, outcome, started, error)
        retry_at = error.retry_at or timezone.now() + timedelta(seconds=60)
        platform_calls.block_connection(job.connection_id, until=retry_at)
        _retry_or_fail(job, error, retry_at)
        return outcome
    except pb.AuthRevoked as error:
        _attempt_finish(attempt, "auth_revoked", started, error)
        platform_calls.pause_for_reconnect(job, error)
        return "paused"
    except pb.Rejected as error:
        _attempt_finish(attempt, "rejected", started, error)
        state.try_transition(
            job_id, expected=S.PUBLISHING, **_mine(job), to=S.FAILED, lease_expires_at=None,
            **_error_fields(error),
        )  # fmt: skip
        return "failed"
    except (pb.Transient, pb.AuthExpired) as error:
        # AuthExpired here means the refresh-and-retry-once already failed with it again.
        _attempt_finish(attempt, "transient", started, error)
        _retry_or_fail(job, error, None)
        return "retrying"
    except Exception as error:  # Unknown, or our own bug mid-call: the post may exist
        _attempt_finish(attempt, "unknown", started, error)
        if not isinstance(error, pb.ProviderError):
            logger.exception("publish of job %s raised", job_id)
        state.try_transition(
            job_id, expected=S.PUBLISHING, **_mine(job), to=S.RECONCILING, lease_expires_at=None,
            next_attempt_at=timezone.now(), **_error_fields(error),
        )  # fmt: skip
        return "reconciling"
    _attempt_finish(attempt, "published", started)
    _record_published(job, result)
    return "published"


def _handle_duplicate(
    job: PublishJob, attempt: PublishAttempt, started: float, error: pb.Duplicate
) -> str:
    """A duplicate that names the live post (LinkedIn 422) is our post: success. One that does
    not (X 403) might be ours from an attempt we lost track of, so look before failing."""
    if error.existing_id:
        _attempt_finish(attempt, "published", started, error)
        found = platform_calls.result_for_existing(job, error.existing_id)
        _record_published(job, found)
        return "published"
    found = None
    if job.attempts > 1:
        # Only a job that has been sent before can be duplicating itself; on a first attempt
        # the duplicate is an older post with the same content, which is not ours to claim.
        try:
            found = platform_calls.find_post(job)
        except pb.ProviderError:
            logger.warning("lookup after duplicate failed for job %s", job.pk)
    if found is not None:
        _attempt_finish(attempt, "published", started, error)
        _record_published(job, found)
        return "published"
    _attempt_finish(attempt, "rejected", started, error)
    state.try_transition(
        job.pk, expected=S.PUBLISHING, **_mine(job), to=S.FAILED, lease_expires_at=None,
        **_error_fields(error),
    )  # fmt: skip
    return "failed"


def job_reconcile(job_id: int) -> str:
    """Look for the post of a job whose last attempt's outcome is unknown. Found: published.
    Not found: queued again (or failed once attempts are used up). Lookup failed: try later."""
    job = (
        PublishJob.objects.select_related("post", "connection")
        .filter(pk=job_id, status=S.RECONCILING)
        .first()
    )
    if job is None:
        return "not_reconciling"
    attempt = _attempt_start(job, "reconcile")
    started = time.monotonic()
    try:
        found = platform_calls.find_post(job)
    except pb.AuthRevoked as error:
        _attempt_finish(attempt, "auth_revoked", started, error)
        platform_calls.pause_for_reconnect(job, error, expected=S.RECONCILING)
        return "paused"
    except Exception as error:
        _attempt_finish(attempt, "lookup_failed", started, error)
        retry_at = getattr(error, "retry_at", None)
        when = backoff.next_attempt_at(now=timezone.now(), attempt=1, not_before=retry_at)
        PublishJob.objects.filter(pk=job_id, status=S.RECONCILING).update(next_attempt_at=when)
        return "lookup_failed"
    if found is not None:
        _attempt_finish(attempt, "found", started)
        state.try_transition(
            job_id, expected=S.RECONCILING, to=S.PUBLISHED, **_published_fields(found)
        )
        return "published"
    _attempt_finish(attempt, "not_found", started)
    if job.attempts >= settings.PUBLISH_MAX_ATTEMPTS:
        state.try_transition(
            job_id, expected=S.RECONCILING, to=S.FAILED, next_attempt_at=None,
            last_error_code="unknown",
            last_error_message="The platform never confirmed the post, and attempts ran out.",
        )  # fmt: skip
        return "failed"
    with transaction.atomic():
        moved = state.try_transition(
            job_id, expected=S.RECONCILING, to=S.QUEUED,
            next_attempt_at=timezone.now() + timedelta(seconds=settings.PUBLISH_REQUEUE_SECONDS),
        )  # fmt: skip
        if moved:
            enqueue_publish([job_id])
    return "requeued"
