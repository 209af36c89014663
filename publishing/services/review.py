"""The gate between "publish/schedule" and the queue: validation, then human review.

Errors block (422, with the report). A post whose findings need review is held
(`review_status = pending`) until an admin or owner approves exactly that content (its
validation content hash); approving releases the held action. Every validation is recorded
(validation.record_validation) in its own transaction, so a blocked attempt still leaves a
trace.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from audit.services import record_action
from publishing.models import Post, ReviewStatus
from publishing.services.posts import PublishingError
from validation.services import content_hash, record_validation, validate_post


def _inputs(post: Post, platforms: list[str] | None = None) -> dict:
    platforms = platforms or sorted({job.platform for job in post.jobs.all()})
    media = [item.asset.media_spec() for item in post.attachments()]
    return {
        "text": post.text,
        "platforms": platforms,
        "media": media,
        "link": post.link or None,
        "scheduled_at": post.scheduled_at,
        "text_overrides": post.text_overrides or None,
        "thread": post.x_thread,
    }


def release_gate(*, post: Post, actor, action: str, request=None) -> bool:
    """True: go ahead. False: held for review. Raises PublishingError when validation fails."""
    inputs = _inputs(post)
    report = validate_post(brand=post.brand, **inputs)
    digest = content_hash(**inputs)
    record_validation(report=report, brand=post.brand, actor=actor, content_hash=digest, post=post)
    if not report.ok:
        raise PublishingError(
            "validation_failed",
            "The post breaks the brand's or a platform's rules.",
            422,
            details={"validation": report.as_dict()},
        )
    if not report.needs_review or post.approved_content_hash == digest:
        return True
    with transaction.atomic():
        Post.objects.filter(pk=post.pk).update(
            review_status=ReviewStatus.PENDING, pending_action=action, updated_at=timezone.now()
        )
        record_action(
            action="post.review_requested", actor=actor, brand=post.brand, target=post,
            request=request, details={"action": action, "content_hash": digest},
        )  # fmt: skip
    post.review_status, post.pending_action = ReviewStatus.PENDING, action
    return False


def recheck_before_publish(job) -> tuple[str, str] | None:
    """The last validation, by the worker, just before the platform call: the brand's policy or
    packs may have changed since the post was scheduled. Checks this job's platform only and
    no schedule window (the job is due now). Returns (error code, message) when the job must
    not go out, else None. Recorded like every other validation of a submitted post."""
    post = job.post
    inputs = _inputs(post, platforms=[job.platform])
    report = validate_post(brand=post.brand, **{**inputs, "scheduled_at": None})
    if report.ok and not report.needs_review:
        return None
    inputs = _inputs(post)  # an approval covers the whole post: hash it as release_gate does
    digest = content_hash(**inputs)
    record_validation(report=report, brand=post.brand, actor=None, content_hash=digest, post=post)
    if not report.ok:
        rules = sorted({f.rule for f in report.findings if f.severity == "error"})
        return (
            "validation_failed",
            "The post no longer passes validation for this platform: " + ", ".join(rules),
        )
    if post.approved_content_hash != digest:
        # Hold the post for review; approving it retries the targets this stopped.
        with transaction.atomic():
            Post.objects.filter(pk=post.pk).update(
                review_status=ReviewStatus.PENDING, pending_action="retry",
                updated_at=timezone.now(),
            )  # fmt: skip
            record_action(
                action="post.review_requested", brand=post.brand, target=post,
                details={"action": "retry", "content_hash": digest, "job_id": job.pk},
            )  # fmt: skip
        rules = sorted({f.rule for f in report.findings if f.severity == "review"})
        return (
            "review_required",
            "The post now needs approval (" + ", ".join(rules) + "); approving it retries.",
        )
    return None


def post_approve(*, post: Post, actor, request=None) -> Post:
    """An admin or owner approves the post's current content and releases the held action."""
    from publishing.services.posts import post_publish_now, post_retry, post_schedule

    if post.review_status != ReviewStatus.PENDING:
        raise PublishingError("not_pending_review", "This post is not waiting for review.", 409)
    digest = content_hash(**_inputs(post))
    with transaction.atomic():
        Post.objects.filter(pk=post.pk).update(
            review_status=ReviewStatus.APPROVED, approved_content_hash=digest,
            approved_by=actor, approved_at=timezone.now(), updated_at=timezone.now(),
        )  # fmt: skip
        record_action(
            action="post.approve", actor=actor, brand=post.brand, target=post, request=request,
            details={"content_hash": digest, "action": post.pending_action},
        )  # fmt: skip
    post.refresh_from_db()
    if post.pending_action == "schedule" and post.scheduled_at is not None:
        post_schedule(post=post, scheduled_at=post.scheduled_at, actor=actor, request=request)
    elif post.pending_action == "publish_now":
        post_publish_now(post=post, actor=actor, request=request)
    elif post.pending_action == "retry":  # held by the worker's last check (see above)
        post_retry(post=post, actor=actor, request=request)
    return post


def post_reject(*, post: Post, actor, reason: str = "", request=None) -> Post:
    if post.review_status != ReviewStatus.PENDING:
        raise PublishingError("not_pending_review", "This post is not waiting for review.", 409)
    with transaction.atomic():
        Post.objects.filter(pk=post.pk).update(
            review_status=ReviewStatus.REJECTED, pending_action="", updated_at=timezone.now()
        )
        record_action(
            action="post.reject", actor=actor, brand=post.brand, target=post, request=request,
            details={"reason": reason[:500]},
        )  # fmt: skip
    post.refresh_from_db()
    return post
