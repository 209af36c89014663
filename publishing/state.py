"""The publish-job state machine: the only code that changes a job's status.

Every transition is one conditional UPDATE (`WHERE id = ? AND status = <expected>`) that must
change exactly one row — a read-then-write would let two workers (or a worker and a cancel)
both "win". The same transaction appends a JobEvent, and the event is broadcast to the brand's
websocket group only after commit, so a listener never hears of a change that rolled back.

```
draft -> scheduled -> queued -> publishing -> published
                 \\       \\          |  \\-> retrying -> queued ...
                  \\       \\         |   \\-> failed (retry by hand -> queued)
                   \\-------\\--------+-> cancelled (not from publishing)
             publishing --(outcome unknown)--> reconciling -> published | queued
             publishing --(grant revoked)--> paused -> queued (on reconnect)
```
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.db import connections, transaction
from django.db.models import F, sql
from django.utils import timezone

from publishing.models import JobEvent, JobStatus, PublishJob

logger = logging.getLogger(__name__)

S = JobStatus

# from-status -> the statuses it may move to. Data, so tests can walk it.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SCHEDULED, S.QUEUED, S.CANCELLED}),
    S.SCHEDULED: frozenset({S.QUEUED, S.CANCELLED}),
    S.QUEUED: frozenset({S.PUBLISHING, S.CANCELLED, S.PAUSED}),
    S.PUBLISHING: frozenset({S.PUBLISHED, S.RETRYING, S.FAILED, S.RECONCILING, S.PAUSED}),
    S.RETRYING: frozenset({S.QUEUED, S.CANCELLED, S.PAUSED}),
    S.RECONCILING: frozenset({S.PUBLISHED, S.QUEUED, S.FAILED, S.PAUSED}),
    S.PAUSED: frozenset({S.QUEUED, S.CANCELLED}),
    S.FAILED: frozenset({S.QUEUED}),
    S.PUBLISHED: frozenset(),
    S.CANCELLED: frozenset(),
}

CANCELLABLE = frozenset(s for s, targets in TRANSITIONS.items() if S.CANCELLED in targets)
IN_FLIGHT = frozenset({S.QUEUED, S.PUBLISHING, S.RETRYING, S.RECONCILING, S.PAUSED})


class TransitionRefused(Exception):
    """The job was not in the expected status (someone else moved it first), or the
    transition is not in the table."""

    def __init__(self, job_id: int, expected: str, target: str, actual: str | None = None):
        self.job_id, self.expected, self.target, self.actual = job_id, expected, target, actual
        super().__init__(f"job {job_id}: {expected} -> {target} refused (now {actual})")


def allowed(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())


def group_name(brand_id: int) -> str:
    return f"brand_{brand_id}_jobs"


_EVENT_COLUMNS = ("brand_id", "post_id", "platform", "attempts", "permalink")


def _update_returning(queryset, values: dict[str, Any]) -> dict[str, Any] | None:
    """`queryset.update(**values)` as one UPDATE ... RETURNING the columns the event needs
    (PostgreSQL; SQLite >= 3.35). The ORM's update() returns only a row count, and reading the
    row back cost a query on every transition, two per published job. At most one row: the
    caller filters by primary key."""
    query = queryset.query.chain(sql.UpdateQuery)
    query.add_update_values(values)
    sql_text, params = query.get_compiler(queryset.db).as_sql()
    db = connections[queryset.db]
    returning = ", ".join(
        db.ops.quote_name(PublishJob._meta.get_field(name).column) for name in _EVENT_COLUMNS
    )
    with db.cursor() as cursor:
        cursor.execute(f"{sql_text} RETURNING {returning}", params)
        row = cursor.fetchone()
    return dict(zip(_EVENT_COLUMNS, row, strict=True)) if row is not None else None


def transition(
    job_id: int,
    *,
    expected: str | Iterable[str],
    to: str,
    actor=None,
    extra_where: dict[str, Any] | None = None,
    **fields: Any,
) -> JobEvent:
    """Move one job from `expected` to `to`, setting `fields` in the same UPDATE.

    Raises TransitionRefused when no row matched (status moved underneath us). Returns the
    stored event; its broadcast is scheduled for after the surrounding transaction commits.
    """
    expected_set = {expected} if isinstance(expected, str) else set(expected)
    for status in expected_set:
        if not allowed(status, to):
            raise TransitionRefused(job_id, status, to)
    with transaction.atomic():
        # One UPDATE per candidate status (usually one), so the event names the real source.
        from_status, job = "", None
        for candidate in sorted(expected_set):
            job = _update_returning(
                PublishJob.objects.filter(pk=job_id, status=candidate, **(extra_where or {})),
                {"status": to, "updated_at": timezone.now(), **fields},
            )
            if job is not None:
                from_status = candidate
                break
        if job is None:
            actual = PublishJob.objects.filter(pk=job_id).values_list("status", flat=True).first()
            raise TransitionRefused(job_id, "|".join(sorted(expected_set)), to, actual)
        error_code = fields.get("last_error_code", "")
        event = JobEvent.objects.create(
            brand_id=job["brand_id"],
            job_id=job_id,
            post_id=job["post_id"],
            platform=job["platform"],
            from_status=from_status,
            status=to,
            attempt=job["attempts"],
            error_code=error_code if isinstance(error_code, str) else "",
            error_message=fields.get("last_error_message", "") if error_code else "",
            permalink=job["permalink"],
            actor=actor if getattr(actor, "is_authenticated", False) else None,
        )
        transaction.on_commit(lambda: broadcast_many([event]))
    return event


def bulk_transition(
    rows: list[dict[str, Any]], *, expected: str, to: str, **fields: Any
) -> list[JobEvent]:
    """Move many jobs, already locked by the caller (SELECT ... FOR UPDATE), from `expected`
    to `to` in one UPDATE. `rows` carry id, brand_id, post_id, platform, attempts, permalink.
    The dispatcher uses it so a tick costs a handful of queries, not a few per job."""
    if not allowed(expected, to):
        raise TransitionRefused(0, expected, to)
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    with transaction.atomic():
        changed = PublishJob.objects.filter(pk__in=ids, status=expected).update(
            status=to, updated_at=timezone.now(), **fields
        )
        if changed != len(ids):
            # The caller's lock should make this impossible; refuse rather than write events
            # for rows that did not move.
            raise TransitionRefused(0, expected, to, f"{changed} of {len(ids)} rows")
        # The reason travels with the event, as in `transition` (the reaper's lease_expired).
        error_code = fields.get("last_error_code", "")
        error_code = error_code if isinstance(error_code, str) else ""
        error_message = fields.get("last_error_message", "") if error_code else ""
        events = JobEvent.objects.bulk_create(
            JobEvent(
                brand_id=row["brand_id"],
                job_id=row["id"],
                post_id=row["post_id"],
                platform=row["platform"],
                from_status=expected,
                status=to,
                attempt=row["attempts"],
                error_code=error_code,
                error_message=error_message,
                permalink=row["permalink"],
            )
            for row in rows
        )
        transaction.on_commit(lambda: broadcast_many(events))
    return events


def try_transition(job_id: int, **kwargs: Any) -> JobEvent | None:
    """`transition`, returning None instead of raising when the job had already moved."""
    try:
        return transition(job_id, **kwargs)
    except TransitionRefused:
        return None


def claim_for_publishing(job_id: int, *, lease_until) -> JobEvent | None:
    """queued -> publishing with a lease and the attempt counter bumped; a second delivery
    of the same task finds the job no longer queued and claims nothing."""
    return try_transition(
        job_id,
        expected=S.QUEUED,
        to=S.PUBLISHING,
        lease_expires_at=lease_until,
        attempts=F("attempts") + 1,
        next_attempt_at=None,
    )


def broadcast(event: JobEvent) -> None:
    broadcast_many([event])


def broadcast_many(events: list[JobEvent]) -> None:
    """Wake the consumers of each brand touched. The message carries only the newest event id:
    consumers read the stored events after the last one they sent, so a lost or merged push
    costs nothing but latency, and order always follows the event ids."""
    from channels.layers import get_channel_layer

    from core.channel_push import group_send

    layer = get_channel_layer()
    if layer is None or not events:
        return
    newest: dict[int, int] = {}
    for event in events:
        newest[event.brand_id] = max(newest.get(event.brand_id, 0), event.pk or 0)
    for brand_id, event_id in newest.items():
        try:
            group_send(layer, group_name(brand_id), {"type": "job.event", "event_id": event_id})
        except Exception:  # a broker hiccup must not fail a change that already committed
            logger.warning("job event broadcast failed", extra={"brand_id": brand_id})


def post_status(job_statuses: Iterable[str]) -> str:
    """Derive a post's status from its jobs' statuses."""
    statuses = [s for s in job_statuses]
    live = [s for s in statuses if s != S.CANCELLED]
    if not statuses or all(s == S.DRAFT for s in statuses):
        return "draft"
    if not live:
        return "cancelled"
    if any(s in IN_FLIGHT for s in live):
        return "publishing"
    if all(s == S.SCHEDULED or s == S.DRAFT for s in live):
        return "scheduled"
    published = sum(s == S.PUBLISHED for s in live)
    failed = sum(s == S.FAILED for s in live)
    if published == len(live):
        return "published"
    if failed == len(live):
        return "failed"
    if published and failed and published + failed == len(live):
        return "partially_published"
    # Some targets done, others still scheduled: the post is on its way.
    return "publishing"
