"""Editor-side writes: create, edit, schedule, publish now, cancel, retry, delete drafts.

Each service is one transaction that also writes its audit row; status changes go through
publishing.state. Edits lock the post's job rows, so the dispatcher (SKIP LOCKED) cannot queue
a job halfway through an edit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.services import record_action
from connections.models import ConnectionStatus, PlatformConnection
from publishing import state
from publishing.models import JobStatus, MediaAsset, Post, PostMedia, PublishJob
from publishing.services.execution import enqueue_publish

S = JobStatus
EDITABLE = frozenset({S.DRAFT, S.SCHEDULED})


class PublishingError(Exception):
    """A refused request, with a stable code and an HTTP status for the API."""

    def __init__(
        self,
        code: str,
        message: str,
        status: int = 400,
        field: str | None = None,
        details: dict | None = None,
    ):
        super().__init__(message)
        self.code, self.message, self.status, self.field = code, message, status, field
        self.details = details


def check_schedule(scheduled_at: datetime, *, now: datetime | None = None) -> datetime:
    now = now or timezone.now()
    if timezone.is_naive(scheduled_at):
        raise PublishingError(
            "invalid_schedule", "scheduled_at needs a UTC offset.", field="scheduled_at"
        )
    if scheduled_at <= now:
        raise PublishingError(
            "schedule_in_past", "scheduled_at is in the past.", field="scheduled_at"
        )
    horizon = now + timedelta(days=settings.PUBLISH_MAX_SCHEDULE_DAYS)
    if scheduled_at > horizon:
        raise PublishingError(
            "schedule_too_far",
            f"scheduled_at is more than {settings.PUBLISH_MAX_SCHEDULE_DAYS} days ahead.",
            field="scheduled_at",
        )
    return scheduled_at.astimezone(UTC)


def _connections(brand, connection_ids: Sequence[int]) -> list[PlatformConnection]:
    wanted = set(connection_ids)
    if not wanted:
        raise PublishingError("no_targets", "Pick at least one account.", field="targets")
    found = list(PlatformConnection.objects.filter(brand=brand, pk__in=wanted))
    if len(found) != len(wanted):
        raise PublishingError("unknown_target", "Unknown account.", field="targets")
    inactive = [c for c in found if c.status == ConnectionStatus.REVOKED]
    if inactive:
        raise PublishingError(
            "target_disconnected", f"{inactive[0]} is disconnected.", field="targets"
        )
    return found


def _media(brand, media_ids: Sequence[int]) -> list[MediaAsset]:
    assets = {a.pk: a for a in MediaAsset.objects.filter(brand=brand, pk__in=media_ids)}
    if len(assets) != len(set(media_ids)):
        raise PublishingError("unknown_media", "Unknown media.", field="media")
    return [assets[i] for i in media_ids]


def _set_media(post: Post, assets: list[MediaAsset]) -> None:
    PostMedia.objects.filter(post=post).delete()
    PostMedia.objects.bulk_create(
        PostMedia(post=post, asset=asset, position=i) for i, asset in enumerate(assets)
    )


@transaction.atomic
def post_create(
    *,
    brand,
    author,
    text: str,
    targets: Sequence[int],
    text_overrides: dict | None = None,
    link: str = "",
    media: Sequence[int] = (),
    scheduled_at: datetime | None = None,
    x_thread: bool = False,
    google_post_type: str = "STANDARD",
    google_details: dict | None = None,
    request=None,
) -> Post:
    """A draft post with one draft job per target; scheduled at once when a time is given."""
    connections = _connections(brand, targets)
    assets = _media(brand, media)
    if scheduled_at is not None:
        scheduled_at = check_schedule(scheduled_at)
    post = Post(
        brand=brand,
        author=author,
        text=text,
        text_overrides=text_overrides or {},
        link=link,
        x_thread=x_thread,
        google_post_type=google_post_type,
        google_details=google_details or {},
    )
    post.full_clean()
    post.save()
    _set_media(post, assets)
    PublishJob.objects.bulk_create(
        PublishJob(post=post, brand=brand, connection=c, platform=c.platform) for c in connections
    )
    record_action(
        action="post.create", actor=author, brand=brand, target=post, request=request,
        details={"targets": sorted(c.pk for c in connections)},
    )  # fmt: skip
    if scheduled_at is not None:
        post_schedule(post=post, scheduled_at=scheduled_at, actor=author, request=request)
    return post


def _locked_jobs(post: Post) -> list[PublishJob]:
    return list(PublishJob.objects.select_for_update().filter(post=post).order_by("id"))


def _require_editable(jobs: list[PublishJob]) -> None:
    if any(job.status not in EDITABLE for job in jobs):
        raise PublishingError(
            "post_not_editable", "Publishing has started; the post can no longer change.", 409
        )


@transaction.atomic
def post_update(*, post: Post, actor, request=None, **changes) -> Post:
    """Edit text, overrides, link, media or options, before any job is queued."""
    _require_editable(_locked_jobs(post))
    media = changes.pop("media", None)
    for name, value in changes.items():
        setattr(post, name, value)
    post.full_clean()
    post.save()
    if media is not None:
        _set_media(post, _media(post.brand, media))
    record_action(
        action="post.update", actor=actor, brand=post.brand, target=post, request=request,
        details={"fields": sorted(changes) + (["media"] if media is not None else [])},
    )  # fmt: skip
    return post


def post_schedule(*, post: Post, scheduled_at: datetime, actor, request=None) -> Post:
    """Schedule or reschedule: draft and scheduled jobs become scheduled at the new time,
    once the content passes validation (and review, when findings ask for it)."""
    from publishing.services.review import release_gate

    scheduled_at = check_schedule(scheduled_at)
    _require_editable(list(post.jobs.all()))
    post.scheduled_at = scheduled_at
    if not release_gate(post=post, actor=actor, action="schedule", request=request):
        Post.objects.filter(pk=post.pk).update(scheduled_at=scheduled_at)
        return post
    return _schedule(post=post, scheduled_at=scheduled_at, actor=actor, request=request)


@transaction.atomic
def _schedule(*, post: Post, scheduled_at: datetime, actor, request=None) -> Post:
    jobs = _locked_jobs(post)
    _require_editable(jobs)
    post.scheduled_at = scheduled_at
    post.save(update_fields=["scheduled_at", "updated_at"])
    for job in jobs:
        if job.status == S.DRAFT:
            state.transition(
                job.pk, expected=S.DRAFT, to=S.SCHEDULED, next_attempt_at=scheduled_at,
                actor=actor,
            )  # fmt: skip
    PublishJob.objects.filter(post=post, status=S.SCHEDULED).update(next_attempt_at=scheduled_at)
    record_action(
        action="post.schedule", actor=actor, brand=post.brand, target=post, request=request,
        details={"scheduled_at": scheduled_at.isoformat()},
    )  # fmt: skip
    return post


def post_publish_now(*, post: Post, actor, request=None) -> list[int]:
    """Draft or scheduled jobs -> queued, tasks sent when this commits; once the content
    passes validation (and review, when findings ask for it). Held for review: []."""
    from publishing.services.review import release_gate

    _require_editable(list(post.jobs.all()))
    if not release_gate(post=post, actor=actor, action="publish_now", request=request):
        return []
    return _publish_now(post=post, actor=actor, request=request)


@transaction.atomic
def _publish_now(*, post: Post, actor, request=None) -> list[int]:
    jobs = _locked_jobs(post)
    _require_editable(jobs)
    requeue = timezone.now() + timedelta(seconds=settings.PUBLISH_REQUEUE_SECONDS)
    queued = []
    for job in jobs:
        state.transition(
            job.pk, expected=job.status, to=S.QUEUED, next_attempt_at=requeue, actor=actor
        )
        queued.append(job.pk)
    record_action(
        action="post.publish_now", actor=actor, brand=post.brand, target=post, request=request
    )
    enqueue_publish(queued)
    return queued


@transaction.atomic
def post_delete(*, post: Post, actor, request=None) -> None:
    jobs = _locked_jobs(post)
    if any(job.status != S.DRAFT for job in jobs):
        raise PublishingError("post_not_draft", "Only drafts can be deleted.", 409)
    record_action(action="post.delete", actor=actor, brand=post.brand, target=post, request=request)
    post.delete()


def job_cancel(*, job: PublishJob, actor, request=None) -> PublishJob:
    with transaction.atomic():
        event = state.try_transition(
            job.pk, expected=state.CANCELLABLE, to=S.CANCELLED, actor=actor,
            next_attempt_at=None,
        )  # fmt: skip
        if event is None:
            job.refresh_from_db(fields=["status"])
            if job.status in (S.PUBLISHING, S.RECONCILING):
                raise PublishingError(
                    "job_in_progress", "This job is being published; it cannot be cancelled.", 409
                )
            raise PublishingError(
                "job_not_cancellable", f"A {job.status} job cannot be cancelled.", 409
            )
        record_action(
            action="job.cancel", actor=actor, brand=job.brand, target=job, request=request
        )
    job.refresh_from_db()
    return job


def post_cancel(*, post: Post, actor, request=None) -> list[int]:
    """Cancel every target not yet being published; those in flight carry on."""
    cancelled = []
    with transaction.atomic():
        for job_id in PublishJob.objects.filter(post=post).values_list("id", flat=True):
            if state.try_transition(
                job_id, expected=state.CANCELLABLE, to=S.CANCELLED, actor=actor,
                next_attempt_at=None,
            ):  # fmt: skip
                cancelled.append(job_id)
        if not cancelled:
            raise PublishingError(
                "nothing_to_cancel", "No target of this post can be cancelled.", 409
            )
        record_action(
            action="post.cancel", actor=actor, brand=post.brand, target=post, request=request,
            details={"jobs": cancelled},
        )  # fmt: skip
    return cancelled


def _requeue_failed(job_ids: list[int], actor) -> list[int]:
    requeue = timezone.now() + timedelta(seconds=settings.PUBLISH_REQUEUE_SECONDS)
    retried = []
    for job_id in job_ids:
        # A manual retry starts a fresh attempt budget; the attempt rows keep the history.
        if state.try_transition(
            job_id, expected=S.FAILED, to=S.QUEUED, actor=actor, next_attempt_at=requeue,
            attempts=0,
        ):  # fmt: skip
            retried.append(job_id)
    enqueue_publish(retried)
    return retried


@transaction.atomic
def job_retry(*, job: PublishJob, actor, request=None) -> PublishJob:
    if not _requeue_failed([job.pk], actor):
        raise PublishingError("job_not_failed", "Only failed jobs can be retried.", 409)
    record_action(action="job.retry", actor=actor, brand=job.brand, target=job, request=request)
    job.refresh_from_db()
    return job


@transaction.atomic
def post_retry(*, post: Post, actor, request=None) -> list[int]:
    """Retry only the failed targets; published ones are left alone."""
    failed = list(
        PublishJob.objects.filter(post=post, status=S.FAILED).values_list("id", flat=True)
    )
    retried = _requeue_failed(failed, actor)
    if not retried:
        raise PublishingError("nothing_to_retry", "No target of this post has failed.", 409)
    record_action(
        action="post.retry", actor=actor, brand=post.brand, target=post, request=request,
        details={"jobs": retried},
    )  # fmt: skip
    return retried
