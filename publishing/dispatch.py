"""Beat-side work: wake due jobs and reap expired leases.

The database is the source of truth and the broker only wakes workers, so nothing here holds
a schedule in memory: each tick reads the due rows through the (status, next_attempt_at)
index, at most PUBLISH_DISPATCH_BATCH of them, with FOR UPDATE SKIP LOCKED so two beats (or
a beat and an editor rescheduling) never fight over a row. Tasks are sent only after the
transaction commits, so a worker never sees a job that is not yet queued.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from publishing import state
from publishing.models import JobStatus, PublishJob

S = JobStatus
_ROW_FIELDS = (
    "id", "status", "brand_id", "post_id", "platform", "attempts", "permalink", "updated_at",
)  # fmt: skip
PUBLISH_QUEUE = "publish"  # publish and reconcile tasks (publishing/tasks.py)


def _due_rows(statuses: list[str], now: datetime, limit: int) -> list[dict]:
    return list(
        PublishJob.objects.select_for_update(skip_locked=True)
        .filter(status__in=statuses, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values(*_ROW_FIELDS)[:limit]
    )


def dispatch_due(*, now: datetime | None = None) -> dict[str, int]:
    """One tick. Scheduled and retrying jobs that are due become queued and get a publish
    task; queued jobs whose task never ran get another (the claim makes it harmless);
    reconciling jobs get a reconcile task. Returns counts per kind."""
    from publishing.tasks import publish_job, reconcile_job

    now = now or timezone.now()
    limit = settings.PUBLISH_DISPATCH_BATCH
    requeue_at = now + timedelta(seconds=settings.PUBLISH_REQUEUE_SECONDS)
    backlog = _publish_backlog()  # (asked before taking row locks: it is a network call)
    with transaction.atomic():
        rows = _due_rows([S.SCHEDULED, S.RETRYING, S.QUEUED, S.RECONCILING], now, limit)
        by_status: dict[str, list[dict]] = {}
        for row in rows:
            by_status.setdefault(row["status"], []).append(row)
        for status in (S.SCHEDULED, S.RETRYING):
            state.bulk_transition(
                by_status.get(status, []), expected=status, to=S.QUEUED, next_attempt_at=requeue_at
            )
        queued = by_status.get(S.QUEUED, [])
        stale = _lost_tasks(queued, now, backlog)
        resent = set(stale)
        waiting = [row["id"] for row in queued if row["id"] not in resent]
        if stale or waiting:
            PublishJob.objects.filter(pk__in=[*stale, *waiting], status=S.QUEUED).update(
                next_attempt_at=requeue_at
            )
        reconciling = [row["id"] for row in by_status.get(S.RECONCILING, [])]
        if reconciling:
            # Push the due time out by a lease so the next tick does not send a second
            # reconcile while this one runs; a lost task is retried after that.
            PublishJob.objects.filter(pk__in=reconciling, status=S.RECONCILING).update(
                next_attempt_at=now + timedelta(seconds=settings.PUBLISH_LEASE_SECONDS)
            )
        to_publish = [row["id"] for row in rows if row["status"] not in (S.RECONCILING, S.QUEUED)]
        to_publish += stale

        def send() -> None:
            for job_id in to_publish:
                publish_job.delay(job_id=job_id)
            for job_id in reconciling:
                reconcile_job.delay(job_id=job_id)

        transaction.on_commit(send)
    return {
        "queued": len(to_publish) - len(stale),
        "requeued": len(stale),
        "waiting": len(waiting),
        "reconcile": len(reconciling),
    }


def _lost_tasks(rows: list[dict], now: datetime, backlog: int | None) -> list[int]:
    """The queued jobs (due for a check: their task has not run within the requeue delay)
    whose task to send again. While the broker still holds publish tasks, theirs is almost
    certainly among them — a backlog, not a loss — and sending more would only lengthen it
    (each extra task is a claim that finds nothing); so a job gets another task when the
    queue is empty, when the broker cannot say, or once it has waited a lease's length."""
    overdue = now - timedelta(seconds=settings.PUBLISH_LEASE_SECONDS)
    return [row["id"] for row in rows if not backlog or row["updated_at"] <= overdue]


def _publish_backlog() -> int | None:
    """Publish tasks waiting in the broker, or None when it cannot say."""
    from kombu.exceptions import ChannelError

    from config.celery import app

    try:
        with app.connection_for_read() as connection:
            connection.ensure_connection(max_retries=1)
            declared = connection.default_channel.queue_declare(queue=PUBLISH_QUEUE, passive=True)
            return declared.message_count
    except ChannelError:  # no such queue: Redis drops a list once it is empty
        return 0
    except Exception:  # broker unreachable: fall back to re-sending
        return None


def reap_expired_leases(*, now: datetime | None = None) -> int:
    """Jobs still `publishing` after their lease (worker killed or hung mid-call) may or may
    not have been posted: move them to reconciling, due now, so the next tick checks the
    platform before anything is sent again."""
    now = now or timezone.now()
    with transaction.atomic():
        rows = list(
            PublishJob.objects.select_for_update(skip_locked=True)
            .filter(status=S.PUBLISHING, lease_expires_at__lt=now)
            .values(*_ROW_FIELDS)[: settings.PUBLISH_DISPATCH_BATCH]
        )
        state.bulk_transition(
            rows,
            expected=S.PUBLISHING,
            to=S.RECONCILING,
            next_attempt_at=now,
            lease_expires_at=None,
            last_error_code="lease_expired",
            last_error_message="The worker stopped mid-publish; checking the platform.",
        )
    return len(rows)
